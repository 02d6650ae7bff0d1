// Proof of work at the entry: while the concert's policy asks for one, its challenge is fetched
// as soon as the concert is shown and solved in a Web Worker (proof-worker.ts), so the cost is
// paid during the countdown, not after the opening; the entry then carries the solution.
import { api, ApiError } from '../../common/api'
import type { ProofMessage } from './proof-worker'
import { me, state, store } from '../state'

interface Challenge {
  algorithm: string
  challenge: string
  maxnumber: number
  salt: string
  signature: string
}

/** A challenge this close to its expiry (5 minutes) is not sent: a new one is solved. */
const MARGIN_MS = 30_000

let current: { concertId: string; expiresAt: number; solution: Promise<string | null>; worker?: Worker } | null = null

/** Starts solving the concert's challenge unless one is under way or solved and fresh; null: the concert asks none. */
export function prepareProof(concertId: string): Promise<string | null> {
  if (current?.concertId === concertId && current.expiresAt - Date.now() > MARGIN_MS) return current.solution
  forgetProof()
  const started: NonNullable<typeof current> = { concertId, expiresAt: Number.POSITIVE_INFINITY, solution: null! }
  started.solution = solve(started).catch((err: unknown) => {
    if (current === started) current = null
    throw err
  })
  started.solution.catch(() => {})
  current = started
  return started.solution
}

/** The proof was used (or refused): the next entry needs a new one. */
export function forgetProof() {
  current?.worker?.terminate()
  current = null
  state.proofProgress = null
  store.changed()
}

async function solve(proof: NonNullable<typeof current>): Promise<string | null> {
  let challenge: Challenge
  try {
    challenge = await api<Challenge>('GET', `/api/concerts/${proof.concertId}/queue/challenge`, undefined, me())
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
  proof.expiresAt = Number(new URLSearchParams(challenge.salt.split('?')[1] ?? '').get('expires')) * 1000
  const worker = new Worker('/proof-worker.js', { type: 'module' })
  proof.worker = worker
  const number = await new Promise<number>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<ProofMessage>) => {
      if ('progress' in data) return showProgress(proof, data.progress)
      worker.terminate()
      if ('number' in data) resolve(data.number)
      else reject(new Error('no solution'))
    }
    worker.onerror = (event) => reject(new Error(event.message))
    showProgress(proof, 0)
    worker.postMessage(challenge)
  })
  showProgress(proof, 1)
  const { algorithm, challenge: hash, salt, signature } = challenge
  return btoa(JSON.stringify({ algorithm, challenge: hash, number, salt, signature }))
}

function showProgress(proof: NonNullable<typeof current>, progress: number) {
  if (current !== proof) return
  state.proofProgress = progress
  store.changed()
}
