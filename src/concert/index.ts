export { ConcertObject } from './object'
export type { ConcertSetup, DateAvailabilityView, HoldView, QueueEntryView, QueueStatusView, SeatMapView } from './object'

/** The one object that serializes this concert's queue and seats. */
export function concertObject(env: Env, concertId: string) {
  return env.CONCERT.get(env.CONCERT.idFromName(concertId))
}
