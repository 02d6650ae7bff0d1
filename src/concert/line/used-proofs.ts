import { fail, type Failure, type Result } from '../../errors/catalogue'
import type { EntryProof, QueueEntryView } from '../../shared/rpc'

/** Expired proofs are deleted at most this often (they are refused as expired by the Worker anyway). */
const PRUNE_INTERVAL_MS = 60_000

/**
 * Why an entry that would make a new place is refused for its proof, or null: with the policy
 * off (cost null) never; else it needs a proof, unused and not expired. (A user who already
 * has a live place is answered with it before this is asked.)
 */
export function proofRefusal(
  cost: number | null,
  proof: EntryProof | null,
  used: boolean,
  now: number,
): 'PROOF_REQUIRED' | 'PROOF_INVALID' | null {
  if (cost === null) return null
  if (proof === null) return 'PROOF_REQUIRED'
  return used || proof.expiresAt <= now ? 'PROOF_INVALID' : null
}

/**
 * The proofs of work entries used (table `used_proofs`), each kept until it expires. Entries
 * check and spend them inside the change that makes their places (object.ts, `enterAll`): a
 * proof makes one place at most, and a refused entry does not use it.
 */
export class UsedProofs {
  private prunedAt = 0

  constructor(private readonly sql: SqlStorage) {}

  /**
   * For one batch of entries (`proofs[i]` is `userIds[i]`'s, or null): `refuse` tells, for a
   * user about to get a new place, why not; `spend` records the proofs of the places made.
   * A user's first proof in the batch is the one checked and spent.
   */
  forBatch(userIds: string[], proofs: ReadonlyArray<EntryProof | null>, cost: number | null, now: number) {
    const chosen = new Map<string, EntryProof>()
    if (cost !== null) userIds.forEach((userId, i) => proofs[i] && !chosen.has(userId) && chosen.set(userId, proofs[i]))
    const used = new Set<string>(
      chosen.size === 0
        ? []
        : this.sql
            .exec<{ id: string }>(
              'SELECT id FROM used_proofs WHERE id IN (SELECT value FROM json_each(?))',
              JSON.stringify([...chosen.values()].map((p) => p.id)),
            )
            .toArray()
            .map((r) => r.id),
    )
    return {
      refuse: (userId: string): Failure | null => {
        const proof = chosen.get(userId) ?? null
        const code = proofRefusal(cost, proof, proof !== null && used.has(proof.id), now)
        return code && fail(code)
      },
      spend: (entries: Array<Result<QueueEntryView>>) => {
        const spent = userIds.flatMap((userId, i) => {
          const entry = entries[i]!
          const proof = chosen.get(userId)
          return entry.ok && entry.value.created && proof ? [proof] : []
        })
        if (spent.length > 0) this.use(spent)
      },
    }
  }

  private use(proofs: EntryProof[]) {
    this.sql.exec(
      "INSERT OR IGNORE INTO used_proofs (id, expires_at) SELECT value ->> '$.id', value ->> '$.expiresAt' FROM json_each(?)",
      JSON.stringify(proofs),
    )
  }

  /** Forgets proofs past their expiry, at most once a minute. */
  prune(now: number) {
    if (now - this.prunedAt < PRUNE_INTERVAL_MS) return
    this.prunedAt = now
    this.sql.exec('DELETE FROM used_proofs WHERE expires_at <= ?', now)
  }
}
