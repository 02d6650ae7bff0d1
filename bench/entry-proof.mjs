// @ts-check
// The entry's proof of work (ALTCHA v1, docs/api.md) as a script pays it: the plain loop, one
// synchronous node:crypto SHA-256 per try on one core, with no WebCrypto promise per try. It is
// the fastest solver a bot has on this machine, so it is what the cost is worth against one
// (bench:proof times it beside the page's Web Worker; bench:bots prices the bot's entries with it).
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'

/**
 * @param {{ challenge: string, salt: string, maxnumber: number }} work
 * @returns {number | null} the number, which is also the tries made less one
 */
export function solve({ challenge, salt, maxnumber }) {
  for (let n = 0; n <= maxnumber; n++) {
    if (
      createHash('sha256')
        .update(salt + n)
        .digest('hex') === challenge
    )
      return n
  }
  return null
}

/**
 * The X-Entry-Proof header of a solved challenge (GET .../queue/challenge's body).
 * @param {{ algorithm: string, challenge: string, salt: string, signature: string }} work @param {number} number
 */
export const proofHeader = (work, number) =>
  Buffer.from(
    JSON.stringify({
      algorithm: work.algorithm,
      challenge: work.challenge,
      number,
      salt: work.salt,
      signature: work.signature,
    }),
  ).toString('base64')

/** µs per try of the plain loop on this machine now (a short sample, after a warm-up). */
export function calibrate() {
  solve({ challenge: '', salt: 'warm-up', maxnumber: 20_000 })
  const t0 = performance.now()
  solve({ challenge: '', salt: 'calibrate', maxnumber: 100_000 })
  return ((performance.now() - t0) * 1000) / 100_001
}
