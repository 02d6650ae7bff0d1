import type { QueuePolicy, RefundPolicyView } from '../../schemas'
import { DEFAULT_POLICY } from '../../shared/policy'
import { DEFAULT_REFUND_POLICY } from '../../shared/refund-fee'

/**
 * The concert's identity and policy, and the object's small counters, in the `meta` table.
 * Every mechanism reads the concert from here, so a policy change is seen by all of them.
 */
export class ConcertMeta {
  /** Null until the operator has configured this object: every call then answers CONCERT_NOT_FOUND. */
  id: string | null = null
  policy: QueuePolicy = DEFAULT_POLICY
  refundPolicy: RefundPolicyView = DEFAULT_REFUND_POLICY
  private readonly values = new Map<string, string>()

  constructor(private readonly sql: SqlStorage) {}

  load() {
    for (const { key, value } of this.sql.exec<{ key: string; value: string }>('SELECT key, value FROM meta'))
      this.values.set(key, value)
    this.id = this.values.get('concertId') ?? null
    const policy = this.values.get('policy')
    this.policy = policy ? { ...DEFAULT_POLICY, ...(JSON.parse(policy) as Partial<QueuePolicy>) } : DEFAULT_POLICY
    const refundPolicy = this.values.get('refundPolicy')
    this.refundPolicy = refundPolicy ? (JSON.parse(refundPolicy) as RefundPolicyView) : DEFAULT_REFUND_POLICY
  }

  /** Call inside the change's transaction. */
  configure(concertId: string, policy: QueuePolicy, refundPolicy: RefundPolicyView) {
    this.save('concertId', concertId)
    this.setPolicy(policy)
    this.save('refundPolicy', JSON.stringify(refundPolicy))
    this.refundPolicy = refundPolicy
    this.id = concertId
  }

  setPolicy(policy: QueuePolicy) {
    this.save('policy', JSON.stringify(policy))
    this.policy = policy
  }

  text(key: string): string | undefined {
    return this.values.get(key)
  }

  number(key: string): number {
    return Number(this.values.get(key) ?? 0)
  }

  save(key: string, value: string) {
    this.values.set(key, value)
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    )
  }
}
