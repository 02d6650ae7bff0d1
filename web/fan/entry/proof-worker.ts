// The fans' page's Web Worker (public/proof-worker.js): solves an entry's proof-of-work challenge
// with altcha-lib's solver, a range at a time, telling the page how far it has got.
import { solveChallenge } from 'altcha-lib/v1'

/** Numbers tried between two reports of progress. */
const RANGE = 5_000

interface Work {
  algorithm: string
  challenge: string
  maxnumber: number
  salt: string
}
export type ProofMessage = { progress: number } | { number: number } | { failed: true }

const reply = (message: ProofMessage) =>
  (self as unknown as { postMessage(m: ProofMessage): void }).postMessage(message)

self.onmessage = async (event: MessageEvent<Work>) => {
  const { algorithm, challenge, maxnumber, salt } = event.data
  for (let start = 0; start <= maxnumber; start += RANGE) {
    const end = Math.min(start + RANGE - 1, maxnumber)
    const solved = await solveChallenge(challenge, salt, algorithm, end, start).promise
    if (solved) return reply({ number: solved.number })
    reply({ progress: (end + 1) / (maxnumber + 1) })
  }
  reply({ failed: true })
}
