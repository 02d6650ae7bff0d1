/** A request's waitUntil: work that may outlive its response. */
export type KeepAlive = (work: Promise<unknown>) => void

/**
 * Why a value is loaded: `exact`, the first load after an invalidation (read-your-writes: ask
 * the source itself); `ahead`, a refresh in the background, off every request's path; `waited`,
 * a request waits for it (none held yet, or past its age).
 */
export type LoadReason = 'exact' | 'ahead' | 'waited'

type Load<T> = (previous: T | undefined, reason: LoadReason) => Promise<T>

/**
 * A value kept in this isolate's memory for a short while, so that hot reads need not reach
 * a Durable Object. Only plain data crosses requests (Workers forbid sharing I/O or promises
 * between them): the request that finds the value due loads it itself. Every answer is at
 * most `maxAgeMs` old, or exact:
 * - past half its age, one request refreshes it in the background (kept alive by its
 *   waitUntil) while every request is still answered from it, so under steady traffic no
 *   request waits for a refresh;
 * - past its age, or after an invalidation, the request that finds it so loads and waits;
 *   requests arriving while that load runs get null and ask the source directly.
 * `load` is given the value it replaces, so it may fetch only what changed, and why it runs
 * (LoadReason), so it may read a mirror of the source unless the answer must be exact.
 */
export class IsolateCache<T> {
  private value: T | undefined
  private loadedAt = 0
  private loading = false
  private version = 0
  private valueVersion = 0

  constructor(private readonly maxAgeMs: number) {}

  async get(load: Load<T>, keepAlive?: KeepAlive): Promise<T | null> {
    const age = Date.now() - this.loadedAt
    if (this.value !== undefined && this.valueVersion === this.version && age <= this.maxAgeMs) {
      if (keepAlive && !this.loading && age > this.maxAgeMs / 2) keepAlive(this.load(load, 'ahead').catch(() => {}))
      return this.value
    }
    if (this.loading) return null
    return this.load(load, 'waited')
  }

  /** The value if it is fresh (at most `maxAgeMs` old, no change since), without loading it. */
  peek(): T | undefined {
    const fresh = this.valueVersion === this.version && Date.now() - this.loadedAt <= this.maxAgeMs
    return fresh ? this.value : undefined
  }

  /** A change went through this isolate: the next read loads afresh. */
  invalidate(): void {
    this.version++
  }

  private async load(load: Load<T>, reason: 'ahead' | 'waited'): Promise<T> {
    this.loading = true
    const version = this.version
    try {
      const value = await load(this.value, version !== this.valueVersion ? 'exact' : reason)
      this.value = value
      this.loadedAt = Date.now()
      this.valueVersion = version
      return value
    } finally {
      this.loading = false
    }
  }
}

/**
 * One cache per key (a concert, a date's seat map), created on first use. Keys come from
 * requests, so at most `maxKeys` are kept: past it the oldest made is dropped (it only costs
 * a load the next time it is asked for).
 */
export class IsolateCaches<T> {
  private readonly caches = new Map<string, IsolateCache<T>>()

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  for(key: string): IsolateCache<T> {
    let cache = this.caches.get(key)
    if (!cache) {
      if (this.caches.size >= this.maxKeys) this.caches.delete(this.caches.keys().next().value!)
      cache = new IsolateCache<T>(this.maxAgeMs)
      this.caches.set(key, cache)
    }
    return cache
  }

  invalidate(key: string): void {
    this.caches.get(key)?.invalidate()
  }
}
