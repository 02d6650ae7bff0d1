// Sending the check-ins accepted offline, oldest first, once the service answers again. Each
// answer is final and leaves the queue (201, or a refusal such as ALREADY_CHECKED_IN: a ticket
// let in at another door meanwhile); an unreachable service stops the round and keeps the
// rest; a refused scanner token too (the device must be set up again, its queue kept). No DOM.
import type { GateDevice, QueuedCheckIn } from './device-store'

export type SendAnswer =
  | { kind: 'checked-in' }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'token-refused' }
  | { kind: 'unreachable' }

export interface SyncResult {
  checkIn: QueuedCheckIn
  answer: Extract<SendAnswer, { kind: 'checked-in' } | { kind: 'refused' }>
}

export async function syncQueue(
  device: GateDevice,
  send: (checkIn: QueuedCheckIn) => Promise<SendAnswer>,
): Promise<{ results: SyncResult[]; stopped: 'done' | 'unreachable' | 'token-refused' }> {
  const results: SyncResult[] = []
  for (const checkIn of device.queue) {
    const answer = await send(checkIn)
    if (answer.kind === 'unreachable' || answer.kind === 'token-refused') return { results, stopped: answer.kind }
    device.dequeue(checkIn.code)
    results.push({ checkIn, answer })
  }
  return { results, stopped: 'done' }
}
