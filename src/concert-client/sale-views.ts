import type { DateAvailabilityView, SaleStateView } from '../schemas'
import { IsolateCaches } from './isolate-cache'

/**
 * This isolate's views of a concert's dates (with their seat counts) and of its sale's state:
 * they change by the second, not the millisecond, so one read a second per isolate. Read by the
 * concert client (index.ts); a payment or a refund made here invalidates them (order-calls.ts).
 */
export const availableDates = new IsolateCaches<DateAvailabilityView[]>(1_000)
export const sales = new IsolateCaches<SaleStateView>(1_000)
