// @ts-check
// Verifies a concert's pre-queue draw from its public routes alone, with Node's own SHA-256
// (not the server's): the seed against the commitment published before the opening, the order
// against the contract's formula, and, given an entry id, where that entry was drawn.
//   node scripts/verify-draw.mjs <baseUrl> <concertId> [entryId]
// Exits 0 when the draw verifies, 1 when it does not, 2 on bad arguments or an unreachable sale.
import { createHash } from 'node:crypto'
import { pathToFileURL } from 'node:url'

const sha256 = (/** @type {Buffer | string} */ data) => createHash('sha256').update(data).digest('hex')

/**
 * @param {string} baseUrl @param {string} concertId @param {string} [entryId]
 * @returns {Promise<{ ok: boolean, lines: string[], rank?: number }>}
 */
export async function verifyDraw(baseUrl, concertId, entryId) {
  const get = async (/** @type {string} */ path) => {
    const res = await fetch(new URL(path, baseUrl))
    const body = await res.json()
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body?.error?.code ?? ''} ${body?.error?.message ?? ''}`)
    return body
  }
  const sale = await get(`/api/concerts/${concertId}/sale`)
  const draw = await get(`/api/concerts/${concertId}/sale/draw`)
  const lines = []
  const commitment = sha256(Buffer.from(draw.seed, 'hex'))
  const seedOk = commitment === sale.seedCommitment
  lines.push(
    `${seedOk ? 'ok  ' : 'FAIL'} sha256(seed bytes) = ${commitment}${seedOk ? ' = seedCommitment' : ` but seedCommitment = ${sale.seedCommitment}`}`,
  )
  const keyed = draw.entries.map((/** @type {string} */ id) => ({ id, key: sha256(`${draw.seed}:${id}`) }))
  keyed.sort((/** @type {{key: string}} */ a, /** @type {{key: string}} */ b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  )
  const firstDifference = keyed.findIndex(
    (/** @type {{id: string}} */ k, /** @type {number} */ i) => k.id !== draw.entries[i],
  )
  const orderOk = firstDifference === -1
  lines.push(
    `${orderOk ? 'ok  ' : 'FAIL'} ${draw.entries.length} entries in the order sha256(seed + ":" + entryId) gives${orderOk ? '' : ` (first difference at place ${firstDifference + 1})`}`,
  )
  const countOk = sale.drawnEntries === draw.entries.length
  lines.push(`${countOk ? 'ok  ' : 'FAIL'} drawnEntries = ${sale.drawnEntries}`)
  let ok = seedOk && orderOk && countOk
  /** @type {number | undefined} */
  let rank
  if (entryId) {
    rank = draw.entries.indexOf(entryId) + 1
    if (rank === 0) ok = false
    lines.push(
      rank > 0
        ? `ok   entry ${entryId} was drawn ${rank} of ${draw.entries.length} (key ${sha256(`${draw.seed}:${entryId}`)})`
        : `FAIL entry ${entryId} is not in the draw`,
    )
  }
  return { ok, lines, rank }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [baseUrl, concertId, entryId] = process.argv.slice(2)
  if (!baseUrl || !concertId) {
    console.error('usage: node scripts/verify-draw.mjs <baseUrl> <concertId> [entryId]')
    process.exit(2)
  }
  try {
    const { ok, lines } = await verifyDraw(baseUrl, concertId, entryId)
    for (const line of lines) console.log(line)
    console.log(ok ? 'The draw verifies.' : 'The draw does NOT verify.')
    process.exit(ok ? 0 : 1)
  } catch (err) {
    console.error(err instanceof Error ? err.message : err)
    process.exit(2)
  }
}
