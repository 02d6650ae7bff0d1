import { describe, expect, it } from 'vitest'
import { IsolateCache, IsolateCaches } from '../../src/concert-client/isolate-cache'
import { sleep } from '../helpers'

describe('IsolateCache', () => {
  it('serves a fresh value without loading, and reloads once it is older than maxAge', async () => {
    const cache = new IsolateCache<number>(100)
    let loads = 0
    const load = async () => ++loads
    expect(await cache.get(load)).toBe(1)
    expect(await cache.get(load)).toBe(1)
    await sleep(120)
    expect(await cache.get(load)).toBe(2)
  })

  it('while one request loads, others get null and must ask the source themselves', async () => {
    const cache = new IsolateCache<string>(1_000)
    let release!: (v: string) => void
    const slow = cache.get(() => new Promise<string>((r) => (release = r)))
    expect(await cache.get(async () => 'other')).toBeNull()
    release('first')
    expect(await slow).toBe('first')
  })

  it('an invalidation makes the next read load, even within maxAge, including one that raced the load', async () => {
    const cache = new IsolateCache<number>(10_000)
    let loads = 0
    expect(await cache.get(async () => ++loads)).toBe(1)
    cache.invalidate()
    expect(await cache.get(async () => ++loads)).toBe(2)
    let release!: (v: number) => void
    cache.invalidate()
    const racing = cache.get(() => new Promise<number>((r) => (release = r)))
    cache.invalidate() // a change lands while that load is in flight
    release(99)
    expect(await racing).toBe(99)
    expect(await cache.get(async () => ++loads)).toBe(3)
  })

  it('tells each load why it runs: waited for, ahead of time in the background, or exact after an invalidation', async () => {
    const cache = new IsolateCache<string>(100)
    const reasons: string[] = []
    const load = async (_: string | undefined, reason: string) => {
      reasons.push(reason)
      return reason
    }
    const kept: Array<Promise<unknown>> = []
    expect(await cache.get(load, (work) => kept.push(work))).toBe('waited')
    await sleep(60)
    expect(await cache.get(load, (work) => kept.push(work))).toBe('waited')
    await Promise.all(kept)
    cache.invalidate()
    expect(await cache.get(load)).toBe('exact')
    await sleep(120)
    expect(await cache.get(load)).toBe('waited')
    expect(reasons).toEqual(['waited', 'ahead', 'exact', 'waited'])
  })

  it('past half its age, a read is answered at once while one background load (kept alive) refreshes it', async () => {
    const cache = new IsolateCache<number>(200)
    let loads = 0
    let release!: () => void
    const kept: Array<Promise<unknown>> = []
    const keepAlive = (work: Promise<unknown>) => void kept.push(work)
    expect(await cache.get(async () => ++loads, keepAlive)).toBe(1)
    expect(await cache.get(async () => ++loads, keepAlive)).toBe(1)
    expect(kept).toHaveLength(0) // fresh: nothing to refresh
    await sleep(120)
    const slow = async (previous: number | undefined) => {
      await new Promise<void>((r) => (release = r))
      return previous! + 10
    }
    expect(await cache.get(slow, keepAlive)).toBe(1) // answered from the value it still has
    expect(await cache.get(slow, keepAlive)).toBe(1) // one refresh at a time
    expect(kept).toHaveLength(1)
    release()
    await kept[0]
    expect(await cache.get(async () => ++loads, keepAlive)).toBe(11) // the load was given the value it replaced
    expect(loads).toBe(1)
  })

  it('keeps at most maxKeys caches: past it the oldest made is dropped and loads again', async () => {
    const caches = new IsolateCaches<string>(10_000, 2)
    let loads = 0
    const load = (key: string) => async () => `${key}${++loads}`
    expect(await caches.for('a').get(load('a'))).toBe('a1')
    expect(await caches.for('b').get(load('b'))).toBe('b2')
    expect(await caches.for('a').get(load('a'))).toBe('a1')
    expect(await caches.for('c').get(load('c'))).toBe('c3')
    expect(await caches.for('b').get(load('b'))).toBe('b2')
    expect(await caches.for('a').get(load('a'))).toBe('a4')
  })
})
