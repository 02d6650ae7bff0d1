import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { ConcertRoom } from '../../src/concert/runtime/room'
import { received, sleep, stubOf } from '../../test/helpers'
import type { SimStats } from './stats'

// The end of a history's events: every event the concert object wrote reaches the data
// platform once after its dedupe by eventId, or sits in the dead-letter table
// (undelivered_events); and D1's tickets, which the events' consumer repairs, agree with the
// object's. Delivery goes through Miniflare's real queue, whose batches wait up to a second:
// a long run checks its histories' events together at its end (one wait, not one a history).

export interface Written {
  concertId: string
  /** The object's count of events written since the concert was made. */
  events: number
  /** Where the history is in the run, to replay it. */
  history: number
}

export const eventsWritten = (concertId: string) =>
  runInDurableObject(stubOf(concertId), (instance) =>
    (instance as unknown as { room: ConcertRoom }).room.outbox.counts(),
  )

async function deliveredOf(w: Written) {
  const [platform, dead] = await Promise.all([
    received(w.concertId),
    env.DB.prepare('SELECT event_id FROM undelivered_events WHERE concert_id = ?')
      .bind(w.concertId)
      .all<{ event_id: string }>(),
  ])
  const delivered = new Set(platform.events.map((e) => e.eventId))
  const deadLettered = dead.results.map((r) => r.event_id).filter((id) => !delivered.has(id))
  return { delivered: delivered.size, deadLettered: deadLettered.length, all: delivered.size + deadLettered.length }
}

async function ticketsDisagree(concertId: string): Promise<string | null> {
  type Ticket = { ticket_id: string; holder_id: string; version: number; state: string }
  const object = await runInDurableObject(stubOf(concertId), (_, state) =>
    state.storage.sql
      .exec<Ticket>("SELECT ticket_id, holder_id, version, state FROM tickets WHERE state <> 'VOID' ORDER BY ticket_id")
      .toArray(),
  )
  const d1 = await env.DB.prepare(
    'SELECT ticket_id, holder_id, version, checked_in_at FROM tickets WHERE concert_id = ? ORDER BY ticket_id',
  )
    .bind(concertId)
    .all()
  const mine = object.map(
    (t) => `${String(t.ticket_id)} ${String(t.holder_id)} v${String(t.version)} ${String(t.state)}`,
  )
  const ledger = d1.results.map(
    (t) =>
      `${String(t.ticket_id)} ${String(t.holder_id)} v${String(t.version)} ${t.checked_in_at ? 'CHECKED_IN' : 'VALID'}`,
  )
  return JSON.stringify(mine) === JSON.stringify(ledger)
    ? null
    : `D1's tickets ${JSON.stringify(ledger)} are not the object's ${JSON.stringify(mine)}`
}

/** Waits for the histories' events (up to `timeoutMs`), then says what broke, history by history. */
export async function checkDelivery(histories: Written[], stats: SimStats, timeoutMs = 60_000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs
  const pending = new Set(histories)
  const broken: string[] = []
  for (;;) {
    for (const w of [...pending]) {
      const got = await deliveredOf(w)
      if (got.all > w.events) {
        broken.push(`history ${w.history}: ${got.all} events arrived of ${w.events} written`)
        pending.delete(w)
      } else if (got.all === w.events) {
        stats.eventsDelivered += got.delivered
        stats.eventsDeadLettered += got.deadLettered
        stats.checks++
        const tickets = await ticketsDisagree(w.concertId)
        stats.checks++
        if (tickets) broken.push(`history ${w.history}: ${tickets}`)
        pending.delete(w)
      }
    }
    if (pending.size === 0 || performance.now() > deadline) break
    await sleep(100)
  }
  for (const w of pending) {
    const got = await deliveredOf(w)
    broken.push(
      `history ${w.history}: of ${w.events} events written, ${got.delivered} delivered and ${got.deadLettered} dead-lettered`,
    )
  }
  return broken
}
