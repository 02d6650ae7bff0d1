import { describe, expect, it } from 'vitest'
import { IsolateCache, IsolateCaches } from '../src/concert-client/isolate-cache'
import { sleep } from './helpers'

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
