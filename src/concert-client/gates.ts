import type { SaleStateView } from '../schemas'

/**
 * Whether an entry goes through a gate (src/gate/gate.ts): only while the pre-queue is open,
 * as this isolate's view of the sale (a second old at most) shows it. An entry sent to a gate
 * just after the opening, or to the object just before, is still answered exactly: the object
 * decides by its own clock.
 */
export const gated = (sale: SaleStateView, now: number) => sale.state === 'PRE_QUEUE' && sale.opensAt !== undefined && now < Date.parse(sale.opensAt)

/** Any gate takes any pre-queue entry (they carry no order): one at random spreads the rush evenly. */
export const gateName = (concertId: string, gates: number) => `${concertId}/gate/${Math.floor(Math.random() * gates)}`
