/**
 * A value kept in this isolate's memory for a short while, so that hot reads need not reach
 * a Durable Object. Only plain data crosses requests (Workers forbid sharing I/O or promises
 * between them): the request that finds the value stale loads it itself and waits for it;
 * requests arriving while that load runs get null and ask the source directly. So every
 * answer is at most `maxAgeMs` old, or exact.
 */
export class IsolateCache<T> {
  private value: T | undefined
  private loadedAt = 0
  private loading = false
  private version = 0
  private valueVersion = -1

  constructor(private readonly maxAgeMs: number) {}

  async get(load: () => Promise<T>): Promise<T | null> {
    const fresh = this.value !== undefined && this.valueVersion === this.version && Date.now() - this.loadedAt <= this.maxAgeMs
    if (fresh) return this.value!
    if (this.loading) return null
    this.loading = true
    const version = this.version
    try {
      const value = await load()
      this.value = value
      this.loadedAt = Date.now()
      this.valueVersion = version
      return value
    } finally {
      this.loading = false
    }
  }

  /** A change went through this isolate: the next read loads afresh. */
  invalidate(): void {
    this.version++
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
