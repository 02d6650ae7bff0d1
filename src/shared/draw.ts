// The pre-queue's draw, as the contract defines it (../shared/API.md, "a verifiable draw"):
// entries sorted by the lowercase hex SHA-256 of `seed + ":" + entryId`, ascending. Each
// entry's key is computed when it enters (src/concert/pre-queue/pre-queue.ts), so the draw itself is one
// ordered statement. Synchronous, so no change of the object awaits (WebCrypto's digest is
// asynchronous). SHA-256 is @stablelib/sha256: in workerd it hashed such a message in 5 µs
// where @noble/hashes took 31 µs (its DataView reads are slow there).
import { hash, SHA256 } from '@stablelib/sha256'

const encoder = new TextEncoder()

const hex = (bytes: Uint8Array) => {
  let text = ''
  for (const b of bytes) text += (b < 16 ? '0' : '') + b.toString(16)
  return text
}

/** A fresh secret seed (32 random bytes, as hex) and its commitment: the SHA-256 of the bytes, not of their hex. */
export function newSeed(): { seed: string; commitment: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return { seed: hex(bytes), commitment: hex(hash(bytes)) }
}

/** An entry's place in the draw is the order of this key. */
export const drawKey = (seed: string, entryId: string) => hex(hash(encoder.encode(`${seed}:${entryId}`)))

/** The keys of many entries of one seed: their draw is the ascending order of these keys. */
export function drawKeys(seed: string, entryIds: readonly string[]): string[] {
  // Every message starts with `seed:`, a full 64-byte block and one byte: its state is hashed
  // once and restored for each entry, which saves one of the two blocks each would cost.
  const sha = new SHA256().update(encoder.encode(`${seed}:`))
  const prefix = sha.saveState()
  const digest = new Uint8Array(32)
  return entryIds.map((entryId) => {
    sha.restoreState(prefix).update(encoder.encode(entryId)).finish(digest)
    return hex(digest)
  })
}
