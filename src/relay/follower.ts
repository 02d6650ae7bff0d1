import type { SocketOwner } from '../shared/rpc'
import type { QueueStatusView, WaitlistEntryView } from '../schemas'

/** The last message a socket (or an event stream) is sent before it is closed. */
export type SocketEnd = 'EXPIRED' | 'SOLD_OUT'

/** One socket or event stream, as the relay tells it: the same for both. */
export interface Follower {
  owner: SocketOwner
  /** The draw gave its entry this arrival. */
  place(arrival: number): void
  /** Sent only when its place or deadline changed since the last one it was sent. */
  tell(status: QueueStatusView): void
  /** The place ended: told how, then closed. */
  end(final: SocketEnd): void
  /** One of its user's waitlist entries changed state: `{"waitlist": entry}`, not a status. */
  tellWaitlist: (entry: WaitlistEntryView) => void
}

/** Anything a relay tells of its user's waitlist: a queue socket or stream, or a waitlist stream. */
export type WaitlistListener = { userId: string; tellWaitlist: (entry: WaitlistEntryView) => void }
