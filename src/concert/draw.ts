// The pre-queue's draw, as the contract defines it (../shared/API.md, "a verifiable draw"):
// entries sorted by the lowercase hex SHA-256 of `seed + ":" + entryId`, ascending. Pure and
// synchronous (@noble/hashes), so the object draws inside one change without awaiting.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'

/** A fresh secret seed (32 random bytes, as hex) and its commitment: the SHA-256 of the bytes, not of their hex. */
export function newSeed(): { seed: string; commitment: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return { seed: bytesToHex(bytes), commitment: commitmentOf(bytes) }
}

export const commitmentOf = (seed: Uint8Array | string) => bytesToHex(sha256(typeof seed === 'string' ? hexToBytes(seed) : seed))

/** An entry's place in the draw is the order of this key. */
export const drawKey = (seed: string, entryId: string) => bytesToHex(sha256(utf8ToBytes(`${seed}:${entryId}`)))

/** The entries in drawn order. */
export function drawOrder<E extends { entryId: string }>(seed: string, entries: readonly E[]): E[] {
  // Every message starts with `seed:`, a full 64-byte block and one byte: hashed once, then
  // cloned per entry, which saves one of the two blocks each entry would cost (the draw of
  // 100,000 is timed in docs/queue.md).
  const prefix = sha256.create().update(utf8ToBytes(`${seed}:`))
  const keyed = entries.map((entry) => ({ entry, key: bytesToHex(prefix.clone().update(utf8ToBytes(entry.entryId)).digest()) }))
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return keyed.map((k) => k.entry)
}
