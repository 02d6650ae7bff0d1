// @ts-check
// What must hold in every run, whatever the scale: the defences turned on did what they promise,
// and the sale counted every entry. A failed check is printed and makes the run exit 1 (after the
// table and the results are written, so the numbers can be read beside the failure).
import { request } from '../client.mjs'

/**
 * With proof on, an entry without a proof is refused: tried once, by a fan before it enters with one.
 * @param {string} base @param {string} concertId @param {string} token
 * @returns {Promise<string>} the refusal's code, or the status if it was not refused
 */
export async function entryWithoutProof(base, concertId, token) {
  const res = await request(`${base}/api/concerts/${concertId}/queue/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  })
  return res.body?.error?.code ?? String(res.status)
}

/** @param {string} secondAccountOnAPhone @param {number} phones @returns {string[]} what failed */
export function checkAccounts(secondAccountOnAPhone, phones) {
  if (phones === 0 || secondAccountOnAPhone === 'IDENTITY_IN_USE') return []
  return [`a second account on one of the bot's phones: ${secondAccountOnAPhone}, not IDENTITY_IN_USE`]
}

/**
 * @param {import('./report.mjs').SaleResult} r @param {{ phones: number, probes: number, withoutProof: string | null }} bot
 * probes: the unverified accounts the bot tried; withoutProof: entryWithoutProof's answer, with proof on
 * @returns {string[]} what failed
 */
export function checkSale(r, { phones, probes, withoutProof }) {
  const failed = []
  const refusedProbes = r.botRefused.VERIFICATION_REQUIRED ?? 0
  const otherRefusals = Object.entries(r.botRefused).filter(
    ([code]) => !(r.identity && code === 'VERIFICATION_REQUIRED'),
  )
  if (r.drawn !== r.fansEntered + r.botEntered)
    failed.push(`drawn ${r.drawn}, not the ${r.fansEntered} fans' and the bot's ${r.botEntered} entries`)
  if (r.identity && r.botEntered > phones) failed.push(`the bot took ${r.botEntered} places with ${phones} phones`)
  if (r.identity && refusedProbes !== probes)
    failed.push(`${refusedProbes} of the bot's ${probes} unverified accounts refused VERIFICATION_REQUIRED`)
  if (otherRefusals.length > 0)
    failed.push(`the bot was refused otherwise: ${JSON.stringify(Object.fromEntries(otherRefusals))}`)
  if (r.proofCost && withoutProof !== 'PROOF_REQUIRED') failed.push(`an entry without a proof: ${withoutProof}`)
  return failed.map((f) => `${r.config}: ${f}`)
}
