import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ORDER_FANOUT, orderGateName, PLACE_GATES_PER_GATE } from '../../src/shared/gate-names'
import { ArrivalRate, Batch } from '../../src/gate/batch'
import { gateCallGapMs, GATE_INTERVAL_MS, RUSH_ENTRIES_PER_S, RUSH_INTERVAL_MS } from '../../src/gate/gate'
import { ok, type Result } from '../../src/errors'
import { pageOf, wholeOrder } from '../../src/shared/draw-order'
import { call, newConcert, newUser, sleep, stubOf, until, type User } from '../helpers'

const iso = (ms: number) => new Date(ms).toISOString()
const GATES = Number(env.GATES_PER_CONCERT)
/** Twice this many requests at once stay under the isolate's CONCERT_MAX_IN_FLIGHT (200), past which it sheds. */
const USERS = 95
const gate = (concertId: string, k: number) => env.GATE.get(env.GATE.idFromName(`${concertId}/gate/${k}`))
const enter = (user: User, concertId: string) =>
  call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: user.accessToken })

async function gateCounts(concertId: string) {
  const counts = await Promise.all(
    Array.from({ length: GATES * PLACE_GATES_PER_GATE }, (_, k) => gate(concertId, k).counts()),
  )
  const sum = (field: 'batches' | 'entries' | 'orders' | 'calls' | 'places') =>
    counts.reduce((total, c) => total + c[field], 0)
  return {
    batches: sum('batches'),
    entries: sum('entries'),
    orders: sum('orders'),
    calls: sum('calls'),
    places: sum('places'),
  }
}

describe('entries through gates (src/gate/)', () => {
  it('95 users racing twice each into an open pre-queue each get one entry, through the gates in batches', async () => {
    const { concertId } = await newConcert({
      sale: { opensAt: iso(Date.now() + 3_600_000), preQueueOpensAt: iso(Date.now() - 60_000) },
    })
    const users = await Promise.all(Array.from({ length: USERS }, () => newUser()))
    // Each user twice at once: the second answer is the same entry.
    const replies = await Promise.all([...users, ...users].map((u) => enter(u, concertId)))
    expect(
      replies.map((r) => r.status).filter((s) => s !== 201 && s !== 200),
      JSON.stringify(replies.find((r) => r.status >= 300)?.body),
    ).toEqual([])
    const entryOf = new Map<string, string>()
    replies.forEach((r, i) => {
      const userId = users[i % users.length]!.userId
      expect(r.body.status).toBe('PRE_QUEUE')
      if (entryOf.has(userId)) expect(r.body.entryId).toBe(entryOf.get(userId))
      else entryOf.set(userId, r.body.entryId)
    })
    expect(new Set(entryOf.values()).size).toBe(USERS)
    const stored = await runInDurableObject(
      stubOf(concertId),
      (_, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pre_queue').one().n,
    )
    expect(stored).toBe(USERS)

    // Every entry went through a gate, and the gates called the object far fewer times than there were entries.
    const { batches, entries } = await gateCounts(concertId)
    expect(entries).toBe(2 * USERS)
    expect(batches).toBeLessThan(entries / 2)
  })

  it('in an open sale too: places follow the order in which batches reach the object, each batch in the order it reached its gate', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const users = await Promise.all(Array.from({ length: USERS }, () => newUser()))
    const replies = await Promise.all(users.map((u) => enter(u, concertId)))
    expect(replies.every((r) => r.status === 201)).toBe(true)
    expect(replies.map((r) => r.body.position).sort((a, b) => a - b)).toEqual(
      Array.from({ length: USERS }, (_, i) => i),
    )
    const { batches, entries } = await gateCounts(concertId)
    expect(entries).toBe(USERS)
    expect(batches).toBeLessThan(entries / 2)
    // One after another: a later entry gets a later place.
    const first = await enter(await newUser(), concertId)
    const second = await enter(await newUser(), concertId)
    expect(second.body.position).toBe(first.body.position + 1)
  })

  it("from the opening, pre-queue tokens' first polls learn their places from the gates, in the draw's order: the object asked for its order once, by the order gate, which passed it down a tree of gates", async () => {
    const opensAt = Date.now() + 2_500
    const { concertId } = await newConcert({
      queuePolicy: { maxActiveUsers: 1 },
      sale: { opensAt: iso(opensAt), preQueueOpensAt: iso(Date.now() - 60_000) },
    })
    const users = await Promise.all(Array.from({ length: USERS }, () => newUser()))
    const entered = await Promise.all(users.map((u) => enter(u, concertId)))
    expect(entered.every((r) => r.body.status === 'PRE_QUEUE')).toBe(true)
    await sleep(opensAt - Date.now() + 300)
    const draw = await call('GET', `/api/concerts/${concertId}/sale/draw`)
    expect(draw.status).toBe(200)
    const polls = await Promise.all(
      entered.map((r) => call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: r.body.token })),
    )
    const rankOf = new Map<string, number>(draw.body.entries.map((entryId: string, i: number) => [entryId, i]))
    polls.forEach((poll, i) => {
      expect(poll.status).toBe(200)
      // The first drawn is admitted (position 0); the others wait in the draw's order.
      expect(poll.body.position).toBe(rankOf.get(entered[i]!.body.entryId))
    })
    const { orders, calls, places } = await gateCounts(concertId)
    expect([calls, places]).toEqual([USERS, USERS])
    expect(orders).toBeGreaterThan(0)
    // The order went down a tree: the object asked once, by the order gate, which sent it to
    // each forwarding gate at most once, each of which fetched it once and sent it on to its place gates.
    const orderGate = await env.GATE.get(env.GATE.idFromName(orderGateName(concertId))).counts()
    expect(orderGate.objectOrders).toBe(1)
    expect(orderGate.ordersSent).toBeGreaterThan(0)
    expect(orderGate.ordersSent).toBeLessThanOrEqual(ORDER_FANOUT)
    const forwarders = await Promise.all(
      Array.from({ length: ORDER_FANOUT }, (_, j) =>
        env.GATE.get(env.GATE.idFromName(`${orderGateName(concertId)}/${j}`)).counts(),
      ),
    )
    expect(forwarders.reduce((n, f) => n + f.orders, 0)).toBe(orderGate.ordersSent)
    for (const f of forwarders) {
      expect(f.orders).toBeLessThanOrEqual(1)
      expect(f.ordersSent).toBeLessThanOrEqual(Math.ceil((GATES * PLACE_GATES_PER_GATE) / ORDER_FANOUT))
    }
    expect(forwarders.reduce((n, f) => n + f.ordersSent, 0)).toBe(orders)
  })
})

describe("a gate's batches (src/gate/batch.ts): a group commit one level above the object's", () => {
  /** A call to a stand-in object that answers when told, each item with itself. */
  function standIn() {
    const calls: Array<{ items: number[]; answer: () => void }> = []
    const call = (items: number[]) =>
      new Promise<Array<Result<number>>>((resolve) => calls.push({ items, answer: () => resolve(items.map(ok)) }))
    return { calls, call }
  }

  it('with no call in flight, an entry is sent at once, before any timer runs', () => {
    const { calls, call } = standIn()
    const batch = new Batch(call, () => 60_000, 100)
    void batch.add(1)
    expect(calls.map((c) => c.items)).toEqual([[1]])
  })

  it('entries that come while a call is in flight go together in the next, sent as soon as it is answered', async () => {
    const { calls, call } = standIn()
    const batch = new Batch(call, () => 0, 100)
    const first = batch.add(1)
    const rest = [2, 3, 4].map((n) => batch.add(n))
    expect(calls).toHaveLength(1)
    calls[0]!.answer()
    expect(await first).toEqual(ok(1))
    await until('the next call', async () => calls.length === 2)
    expect(calls[1]!.items).toEqual([2, 3, 4])
    calls[1]!.answer()
    expect(await Promise.all(rest)).toEqual([2, 3, 4].map(ok))
    expect(batch.sent).toEqual({ batches: 2, items: 4 })
  })

  it('calls begin at least the gap apart, however fast the object answers', async () => {
    const { calls, call } = standIn()
    const batch = new Batch(call, () => 300, 100)
    void batch.add(1)
    calls[0]!.answer()
    void batch.add(2)
    await sleep(100)
    expect(calls).toHaveLength(1)
    await until('the next call', async () => calls.length === 2)
  })

  it('a call that throws at once, or answers short, settles every waiter and the next batch still goes', async () => {
    let calls = 0
    const batch = new Batch<number, number>(
      (items) => {
        calls++
        if (calls === 1) throw new Error('serialisation failed')
        if (calls === 2) return Promise.resolve([ok(items[0]!)])
        return Promise.resolve(items.map(ok))
      },
      () => 0,
      100,
    )
    await expect(batch.add(1)).rejects.toThrow('serialisation failed')
    const [first, second] = [batch.add(2), batch.add(3)]
    // 2 went alone (no call in flight); 3 waited for the next call.
    expect(await first).toEqual(ok(2))
    expect(await second).toEqual(ok(3))
    const short = new Batch<number, number>(
      (items) => Promise.resolve(items.slice(1).map(ok)),
      () => 0,
      100,
    )
    const pair = [short.add(1)]
    await expect(pair[0]).rejects.toThrow('no answer')
  })

  it('the rate a gate tells a rush by: seen within the first second of a rush, and forgotten after a quiet second', () => {
    const rate = new ArrivalRate()
    expect(rate.perSecond(0)).toBe(0)
    for (let i = 0; i < 300; i++) rate.add(500 + i)
    // Still in the window the rush began in: counted so far.
    expect(rate.perSecond(900)).toBe(300)
    // The next window: the last whole one's count until this one passes it.
    rate.add(1_600)
    expect(rate.perSecond(1_700)).toBe(300)
    // Two windows later with nothing in the last one: quiet again.
    expect(rate.perSecond(4_000)).toBe(0)
  })

  it('the gap: short when quiet, long from a rush of entries', () => {
    expect(gateCallGapMs(0)).toBe(GATE_INTERVAL_MS)
    expect(gateCallGapMs(RUSH_ENTRIES_PER_S - 1)).toBe(GATE_INTERVAL_MS)
    expect(gateCallGapMs(RUSH_ENTRIES_PER_S)).toBe(RUSH_INTERVAL_MS)
  })
})

describe("the draw's order in pages (src/shared/draw-order.ts): an RPC message carries 32 MiB at most", () => {
  const view = { seed: 'ab'.repeat(32), base: 7, prefixes: Uint32Array.from({ length: 95 }, (_, i) => i * 3) }

  it('a page is a copy of its range, not a view of the whole buffer', () => {
    const page = pageOf(view, 90, 10)
    expect([...page.prefixes]).toEqual([270, 273, 276, 279, 282])
    expect(page.prefixes.buffer.byteLength).toBe(5 * 4)
    expect(page).toMatchObject({ seed: view.seed, base: 7, total: 95, offset: 90 })
  })

  it('the whole order put together from pages of any size, null before the draw', async () => {
    for (const size of [1, 10, 94, 95, 1_000]) {
      const pages: number[] = []
      const whole = await wholeOrder(async (offset) => {
        pages.push(offset)
        return ok(pageOf(view, offset, size))
      })
      expect(whole).toEqual(ok(view))
      expect(pages).toHaveLength(Math.ceil(95 / size))
    }
    expect(await wholeOrder(async () => ok(null))).toEqual(ok(null))
  })
})
