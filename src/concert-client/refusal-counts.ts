import { gateName } from '../shared/gate-names'
import { noRefusals, type RefusalReason, type RefusedCounts } from '../shared/refused-entries'

/** An isolate hands a concert's refusals on at most this often. */
export const HANDOFF_INTERVAL_MS = 1_000

/** Refusals counted in this isolate and not yet handed on, by concert. */
const pending = new Map<string, RefusedCounts>()
/** When this isolate last handed a concert's refusals on. */
const handedAt = new Map<string, number>()
/** Hand-offs this isolate made, for tests. */
export const handoffs = { calls: 0 }

/**
 * Queue entries this isolate refused (verification, proof, Turnstile, the per-user limit),
 * counted here and handed on to one of the concert's gates at most once a second per concert,
 * after the response (waitUntil); the gate adds up what every isolate hands it and sends the
 * sum to the concert object at most once a second (src/gate/gate.ts). Why not the object at
 * once: a bot flood is the very thing refused here, and a call per refusal would put it on the
 * one object the sale waits on. Why through a gate and not the object a second per isolate: a
 * flood spreads over many isolates, but a concert has a fixed number of gates. So the object
 * gets a call a second from each gate holding counts at most, and a refusal reaches the stats
 * within about two seconds. An isolate that goes before its hand-off loses its counts.
 */
export function countRefusal(
  env: Env,
  concertId: string,
  reason: RefusalReason,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
) {
  const waiting = pending.get(concertId)
  if (waiting) {
    waiting[reason]++
    return
  }
  const counts = noRefusals()
  counts[reason] = 1
  pending.set(concertId, counts)
  const wait = Math.max(0, (handedAt.get(concertId) ?? 0) + HANDOFF_INTERVAL_MS - Date.now())
  ctx.waitUntil(handOn(env, concertId, wait))
}

async function handOn(env: Env, concertId: string, wait: number) {
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  const counts = pending.get(concertId)
  pending.delete(concertId)
  if (!counts) return
  handedAt.set(concertId, Date.now())
  handoffs.calls++
  const gate = env.GATE.get(env.GATE.idFromName(gateName(concertId, Number(env.GATES_PER_CONCERT))))
  try {
    await gate.refused(concertId, counts)
  } catch {
    // A measure for operators, not a sale: a gate unreachable now loses this second's counts.
  }
}
