import { listConcerts } from '../ledger/catalog'
import type { ConcertSummaryView, OperatorConcertView, SaleStateNameView } from '../schemas'
import { concertClient } from '.'

/**
 * A sale's state as the catalog's times tell it: SCHEDULED before `preQueueOpensAt`, PRE_QUEUE
 * until `opensAt`, OPEN after it and for a concert without a scheduled sale, as the concert
 * object says it (src/concert/pre-queue/pre-queue.ts). Whether an OPEN sale is SOLD_OUT only the object knows.
 */
export function saleStateByClock(
  entry: Pick<ConcertSummaryView, 'opensAt' | 'preQueueOpensAt'>,
  now: number,
): Exclude<SaleStateNameView, 'SOLD_OUT'> {
  if (!entry.opensAt || !entry.preQueueOpensAt || now >= Date.parse(entry.opensAt)) return 'OPEN'
  return now >= Date.parse(entry.preQueueOpensAt) ? 'PRE_QUEUE' : 'SCHEDULED'
}

/** Every concert, oldest first, with where its sale stands: only sales open by the clock ask their concert (through its mirror) whether it sold out. */
export async function operatorConcerts(
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  cf: Request['cf'],
  now: number,
): Promise<OperatorConcertView[]> {
  const catalog = await listConcerts(env.DB)
  return Promise.all(
    catalog.map(async ({ seatsPerDate: _, ...concert }) => {
      const byClock = saleStateByClock(concert, now)
      const state = byClock === 'OPEN' ? (await concertClient(env, concert.concertId, ctx, cf).sale()).state : byClock
      return { ...concert, state }
    }),
  )
}
