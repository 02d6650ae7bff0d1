import { released } from '../shared/rpc'
import { ok, type Result } from '../errors'

/**
 * A value a mirror pulls from the concert object and serves for at most `maxAgeMs`. Unlike a
 * Worker's isolate cache, one object's requests may share a promise: every request arriving
 * while a load runs awaits that one load, so the object is asked at most once per load
 * whatever the number of askers. Past half its age the value is still served while one load
 * refreshes it. A failure (say, no such concert yet) is passed on, never kept.
 */
export class Pulled<T> {
  private value: T | undefined
  private loadedAt = 0
  private loading: Promise<Result<T>> | null = null

  constructor(
    private readonly maxAgeMs: number,
    private readonly load: (previous: T | undefined) => Promise<Result<T>>,
  ) {}

  async get(): Promise<Result<T>> {
    const age = Date.now() - this.loadedAt
    if (this.value === undefined || age > this.maxAgeMs) return this.refresh()
    if (age > this.maxAgeMs / 2) this.refresh().catch(() => {})
    return ok(this.value)
  }

  /** Loads now, or joins the load running. */
  refresh(): Promise<Result<T>> {
    if (this.loading) return this.loading
    const startedAt = Date.now()
    this.loading = this.load(this.value)
      .then((loaded) => {
        // A copy of its data: the result straight from the RPC call is released.
        const result = { ...released(loaded) }
        if (result.ok) {
          this.value = result.value
          this.loadedAt = startedAt
        }
        return result
      })
      .finally(() => (this.loading = null))
    return this.loading
  }
}
