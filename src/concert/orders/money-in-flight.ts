import { PAYMENT_GRACE_MS } from '../../shared/policy'

/** The states in which money is moving between the object and D1 for an order. */
export type InFlight = 'PAYING' | 'REFUNDING'

/**
 * Orders whose payment or refund has been in flight longer than the grace: their Worker is
 * gone, so the ledger must be asked what happened (the object's alarm does).
 */
export function stuckOrders(sql: SqlStorage, state: InFlight, now: number): string[] {
  return sql
    .exec<{ id: string }>(
      'SELECT id FROM reservations WHERE state = ? AND paying_since <= ?',
      state,
      now - PAYMENT_GRACE_MS,
    )
    .toArray()
    .map((r) => r.id)
}

/** When the oldest order in flight in this state is due to be asked about. */
export function inFlightDeadline(sql: SqlStorage, state: InFlight): number | null {
  const since = sql
    .exec<{ m: number | null }>('SELECT MIN(paying_since) AS m FROM reservations WHERE state = ?', state)
    .one().m
  return since === null ? null : since + PAYMENT_GRACE_MS
}
