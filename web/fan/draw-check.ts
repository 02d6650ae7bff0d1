// Checks a pre-queue draw in the browser, as scripts/verify-draw.mjs does on the command line:
// the seed against its commitment, the order against the contract's formula, and where an
// entry stands. WebCrypto's SHA-256, independent of the server's implementation.
import { api, type SaleDraw, type SaleState } from '../common/api'

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')
const sha256 = (bytes: Uint8Array<ArrayBuffer>) => crypto.subtle.digest('SHA-256', bytes)
const bytesOf = (hexText: string) => Uint8Array.from(hexText.match(/../g)!, (h) => parseInt(h, 16))

export type DrawCheck = { ok: true; rank: number; total: number } | { ok: false; reason: string }

export async function checkDraw(concertId: string, entryId: string): Promise<DrawCheck> {
  const sale = await api<SaleState>('GET', `/api/concerts/${concertId}/sale`)
  const draw = await api<SaleDraw>('GET', `/api/concerts/${concertId}/sale/draw`)
  if (hex(await sha256(bytesOf(draw.seed))) !== sale.seedCommitment)
    return { ok: false, reason: 'sha256(seed) ≠ seedCommitment' }
  const encoder = new TextEncoder()
  const keyed = await Promise.all(
    draw.entries.map(async (id) => ({ id, key: hex(await sha256(encoder.encode(`${draw.seed}:${id}`))) })),
  )
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  if (keyed.some((k, i) => k.id !== draw.entries[i]))
    return { ok: false, reason: 'the order is not the one the seed gives' }
  const rank = draw.entries.indexOf(entryId) + 1
  if (rank === 0) return { ok: false, reason: 'this entry is not in the draw' }
  return { ok: true, rank, total: draw.entries.length }
}
