// @ts-check
// The sale each configuration is measured at: one concert whose pre-queue is open now and whose
// opening is planned after the fans' and the bot's entries; its object draws at the opening, and
// the order is read from the public route, as anyone can.
import { request } from '../client.mjs'
import { calibrate } from '../entry-proof.mjs'
import { ADMIN_TOKEN } from '../serve-bundle.mjs'

/** The defences each configuration turns on. */
export const CONFIGS = {
  off: { identity: false, proof: false },
  identity: { identity: true, proof: false },
  proof: { identity: false, proof: true },
  both: { identity: true, proof: true },
}

/** @typedef {{ identity: boolean, proof: boolean }} Config */
/** @typedef {{ fans: number, cost: number, threads: number, botSeconds: number }} Scale */

/**
 * How long from now the opening is: room for the fans' entries (their solves, `threads` at a
 * time here, at the loop's speed sampled now) and for the bot's budget, with margins.
 * @param {Config} config @param {Scale} scale
 */
export function opensInMs(config, { fans, cost, threads, botSeconds }) {
  const perTryUs = calibrate()
  const fansMs = config.proof ? (fans * (cost / 2) * perTryUs) / 1000 / threads : fans * 2
  return fansMs * 1.6 + 5_000 + botSeconds * 1000 + 4_000
}

/**
 * A concert whose pre-queue opened a second ago and whose opening is at `opensAt`; every entry
 * stays until the draw (no idle timeout), a hundred are admitted at the opening.
 * @param {import('./service.mjs').Service} service @param {string} name @param {Config} config
 * @param {number} cost @param {number} opensAt @returns {Promise<string>} its concertId
 */
export async function openSale(service, name, config, cost, opensAt) {
  const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const queuePolicy = {
    maxActiveUsers: 100,
    maxWaitingUsers: 1_000_000,
    idleTimeoutSeconds: 86_400,
    requireVerifiedIdentity: config.identity,
    entryProofCost: config.proof ? cost : null,
  }
  const sale = {
    opensAt: new Date(opensAt).toISOString(),
    preQueueOpensAt: new Date(Date.now() - 1000).toISOString(),
  }
  const { concertId } = await service.client.json(
    'POST',
    '/api/admin/concerts',
    { title: `Bots: ${name}`, dates: [{ date, price: 1000 }], queuePolicy, sale },
    { authorization: `Bearer ${ADMIN_TOKEN}` },
  )
  return concertId
}

/**
 * The order drawn, read from `GET .../sale/draw` once the opening is a second past (the
 * object's alarm draws at it; the route answers once it has).
 * @param {string} base @param {string} concertId @param {number} opensAt @returns {Promise<string[]>} entryIds
 */
export async function readDraw(base, concertId, opensAt) {
  while (Date.now() < opensAt + 1_000) await new Promise((r) => setTimeout(r, 200))
  for (let attempt = 0; ; attempt++) {
    const res = await request(`${base}/api/concerts/${concertId}/sale/draw`, {})
    if (res.status === 200) return res.body.entries
    if (attempt > 50) throw new Error(`draw: ${res.status} ${JSON.stringify(res.body)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
