type Pending = { change: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void }

/**
 * Group commit. A change waits until the object has taken in the requests already delivered
 * to it, then runs with the changes that arrived meanwhile, in arrival order, inside one
 * transaction: one commit and one disk sync for the group instead of one each. A change
 * writes in a nested transaction of its own (or in one statement), so one that throws is
 * rolled back alone. Answers go out once the group is committed.
 */
export class GroupCommit {
  private pending: Pending[] = []
  /** True while a group's changes run: work that needs doing once per group can wait for its end. */
  running = false

  /** `atEnd` runs inside each group's transaction, after its changes. */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly atEnd: () => void,
  ) {}

  run<T>(change: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending.push({ change, resolve: resolve as (value: unknown) => void, reject })
      if (this.pending.length === 1) setTimeout(() => this.commit(), 0)
    })
  }

  private commit() {
    const group = this.pending
    this.pending = []
    const answers: Array<() => void> = []
    try {
      this.ctx.storage.transactionSync(() => {
        this.running = true
        try {
          for (const { change, resolve, reject } of group) {
            try {
              const value = change()
              answers.push(() => resolve(value))
            } catch (err) {
              answers.push(() => reject(err))
            }
          }
        } finally {
          this.running = false
        }
        this.atEnd()
      })
    } catch (err) {
      // Nothing of the group was stored, but memory moved with it: start again from storage.
      for (const { reject } of group) reject(err)
      this.ctx.abort('a group of changes could not be committed')
      return
    }
    for (const answer of answers) answer()
  }
}
