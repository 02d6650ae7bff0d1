import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ConcertObject } from '../../src/concert'
import { SNAPSHOT_MAX_AGE_MS } from '../../src/concert-client/status-polls'
import { DRAW_SLICE } from '../../src/concert/pre-queue/draw-slices'
import { PLACE_GATES_PER_GATE } from '../../src/shared/gate-names'
import { signQueueToken } from '../../src/auth/tokens'
import {
  ADMIN_TOKEN,
  call,
  daysFromNow,
  enterQueue,
  expectedOrder,
  expectError,
  sha256Hex,
  newConcert,
  newUser,
  openSocket,
  openStream,
  sleep,
  stubOf,
  type User,
} from '../helpers'

const iso = (ms: number) => new Date(ms).toISOString()
const statusOf = (concertId: string, token: string) =>
  call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: token })
const enter = (user: User, concertId: string) =>
  call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: user.accessToken })

/** Pre-queue entries' places found by the concert's gates (from the draw's order) so far. */
async function placesFoundByGates(concertId: string): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: Number(env.GATES_PER_CONCERT) * PLACE_GATES_PER_GATE }, (_, k) =>
      env.GATE.get(env.GATE.idFromName(`${concertId}/gate/${k}`)).counts(),
    ),
  )
  return counts.reduce((sum, c) => sum + c.places, 0)
}

/** A concert whose pre-queue is open now and is drawn `inMs` from now. */
const openingSoon = (inMs: number, options: Parameters<typeof newConcert>[0] = {}) =>
  newConcert({ ...options, sale: { opensAt: iso(Date.now() + inMs), preQueueOpensAt: iso(Date.now() - 60_000) } })

describe('a scheduled sale', () => {
  it('refuses bad schedules with 400 and creates nothing', async () => {
    const concerts = () => env.DB.prepare('SELECT COUNT(*) AS n FROM concerts').first('n')
    const before = await concerts()
    const future = iso(Date.now() + 3_600_000)
    const bad: unknown[] = [
      { opensAt: iso(Date.now() - 1_000) },
      { opensAt: future, preQueueOpensAt: iso(Date.now() + 3_700_000) },
      { opensAt: 'tomorrow' },
      { opensAt: future, preQueueOpensAt: '2026-13-01T00:00:00Z' },
      { opensAt: 1767225600000 },
      { preQueueOpensAt: future },
      { opensAt: future, shuffle: true },
      'at eight',
      null,
    ]
    for (const sale of bad) {
      const reply = await call('POST', '/api/admin/concerts', {
        accessToken: ADMIN_TOKEN,
        body: { title: 'Bad', dates: [{ date: daysFromNow(30), price: 1000 }], sale },
      })
      expectError(reply, 400, 'VALIDATION_FAILED')
      expect(reply.body.error.message, JSON.stringify(sale)).toMatch(/^sale/)
    }
    expect(await concerts()).toBe(before)
  })

  it('defaults the pre-queue to 30 minutes before the opening, lists both in the catalog, and refuses entry before the pre-queue with 409 SALE_NOT_OPEN', async () => {
    const opensAt = iso(Date.now() + 3_600_000)
    const { concertId, sale } = await newConcert({ sale: { opensAt } })
    const preQueueOpensAt = iso(Date.parse(opensAt) - 30 * 60_000)
    expect(sale).toEqual({ opensAt, preQueueOpensAt, seedCommitment: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const listed = (await call('GET', '/api/concerts')).body.concerts.find(
      (c: { concertId: string }) => c.concertId === concertId,
    )
    expect(listed).toMatchObject({ opensAt, preQueueOpensAt })

    const refused = await enter(await newUser(), concertId)
    expectError(refused, 409, 'SALE_NOT_OPEN')
    expect(refused.body.error.message).toContain(preQueueOpensAt)
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body).toEqual({
      concertId,
      opensAt,
      preQueueOpensAt,
      state: 'SCHEDULED',
      seedCommitment: sale!.seedCommitment,
    })
    expectError(await call('GET', `/api/concerts/${concertId}/sale/draw`), 409, 'SALE_NOT_OPEN')
    const stats = (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body
    expect(stats).toMatchObject({ waiting: 0, active: 0 })
  })

  it('a concert without a sale is open at once and has no draw', async () => {
    const { concertId } = await newConcert()
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body).toEqual({ concertId, state: 'OPEN' })
    expectError(await call('GET', `/api/concerts/${concertId}/sale/draw`), 404, 'NO_DRAW')
  })
})

describe('the pre-queue', () => {
  it('is bounded by maxWaitingUsers, and kept through a restart of the object', async () => {
    const { concertId, sale } = await openingSoon(2_000, { queuePolicy: { maxWaitingUsers: 2, maxActiveUsers: 1 } })
    const [a, b] = [await enterQueue(await newUser(), concertId), await enterQueue(await newUser(), concertId)]
    expectError(await enter(await newUser(), concertId), 409, 'QUEUE_FULL')
    await abortAllDurableObjects()
    expect((await statusOf(concertId, a.token)).body).toMatchObject({ status: 'PRE_QUEUE', entryId: a.entryId })
    await sleep(Date.parse(sale!.opensAt) - Date.now())
    await runDurableObjectAlarm(stubOf(concertId))
    const { seed, entries: draw } = (await call('GET', `/api/concerts/${concertId}/sale/draw`)).body
    expect([...draw].sort()).toEqual([a.entryId, b.entryId].sort())
    expect((await statusOf(concertId, [a, b].find((e) => e.entryId === draw[0])!.token)).body).toMatchObject({
      status: 'ACTIVE',
    })

    // The data platform hears of the entries (by entry, no arrival yet) and of the opening (the seed and how many were drawn).
    const platform = new URL(env.DATA_PLATFORM_URL).origin
    let events: Array<Record<string, unknown>> = []
    for (let i = 0; i < 50 && !events.some((e) => e.type === 'sale.opened'); i++) {
      await sleep(200)
      events = (await (await fetch(`${platform}/received?concertId=${concertId}`)).json<{ events: typeof events }>())
        .events
    }
    expect(events.find((e) => e.type === 'sale.opened')).toMatchObject({ seed, drawnEntries: 2 })
    const issued = events.filter((e) => e.type === 'token.issued')
    expect(issued.map((e) => e.entryId).sort()).toEqual([a.entryId, b.entryId].sort())
    expect(issued.every((e) => e.arrival === undefined)).toBe(true)
  })

  it('is open from creation when preQueueOpensAt is past: PRE_QUEUE with an entryId, opensAt and no position; asking again gives the same token', async () => {
    const { concertId, sale } = await openingSoon(3_600_000)
    const user = await newUser()
    const first = await enter(user, concertId)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      status: 'PRE_QUEUE',
      opensAt: sale!.opensAt,
      position: null,
      activeUntil: null,
      userId: user.userId,
      concertId,
      seatsLeft: 50,
    })
    expect(first.body.entryId).toMatch(/^[0-9a-f-]{36}$/)
    expect(first.body.entryId).not.toBe(user.userId)
    const again = await enter(user, concertId)
    expect(again.status).toBe(200)
    expect(again.body.token).toBe(first.body.token)
    expect(again.body.entryId).toBe(first.body.entryId)
    for (let i = 0; i < 2; i++) {
      // From the object, then from the Worker's view.
      const polled = await statusOf(concertId, first.body.token)
      expect(polled.status).toBe(200)
      expect(polled.body).toMatchObject({
        token: first.body.token,
        status: 'PRE_QUEUE',
        entryId: first.body.entryId,
        position: null,
      })
    }
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body).toMatchObject({
      state: 'PRE_QUEUE',
      seedCommitment: sale!.seedCommitment,
    })
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body.seed).toBeUndefined()
    // Nothing to hold before the opening.
    const seats = await call('GET', `/api/concerts/${concertId}/dates/${daysFromNow(30)}/seats`, {
      accessToken: user.accessToken,
      queueToken: first.body.token,
    })
    expectError(seats, 403, 'QUEUE_NOT_ACTIVE')
    expect(seats.body.error.message).toContain(sale!.opensAt)
  })

  it("is drawn at opensAt by the alarm, with no request: sockets and streams are told their place within a second, in the contract's order, ahead of later arrivals", async () => {
    const opensIn = 2_500
    const { concertId, sale } = await openingSoon(opensIn, { queuePolicy: { maxActiveUsers: 3 } })
    const opensAt = Date.parse(sale!.opensAt)
    const fans = await Promise.all(Array.from({ length: 12 }, () => newUser()))
    const entries = []
    for (const fan of fans) {
      const entry = await enterQueue(fan, concertId)
      entries.push({ fan, ...entry, entryId: entry.entryId! })
    }
    expect(entries.every((e) => e.status === 'PRE_QUEUE')).toBe(true)
    const sockets = await Promise.all(entries.slice(0, 4).map((e) => openSocket(concertId, e.token)))
    const streams = await Promise.all(entries.slice(4, 6).map((e) => openStream(concertId, e.token)))
    for (const socket of sockets) expect((await socket.received(1))[0]).toMatchObject({ status: 'PRE_QUEUE' })
    for (const stream of streams) expect(await stream.until(() => stream.events.length === 1)).toBe(true)

    // No request from here until every listener has heard: the object's alarm draws.
    for (const socket of sockets) await socket.received(2, opensIn + 3_000)
    for (const stream of streams) await stream.until(() => stream.events.length === 2, opensIn + 3_000)
    const toldBy = Date.now()
    expect(toldBy - opensAt).toBeLessThan(1_000) // the last of them heard within a second (37 ms in a run here)
    // Their relays had the places from gates, which found them from the draw's order.
    expect(await placesFoundByGates(concertId)).toBe(6)

    const saleNow = (await call('GET', `/api/concerts/${concertId}/sale`)).body
    expect(saleNow).toMatchObject({ state: 'OPEN', drawnEntries: 12, seedCommitment: sale!.seedCommitment })
    expect(await sha256Hex(new Uint8Array(saleNow.seed.match(/../g).map((h: string) => parseInt(h, 16))))).toBe(
      sale!.seedCommitment,
    )
    const draw = (await call('GET', `/api/concerts/${concertId}/sale/draw`)).body
    expect(draw.seed).toBe(saleNow.seed)
    expect(draw.entries).toEqual(
      await expectedOrder(
        saleNow.seed,
        entries.map((e) => e.entryId),
      ),
    )

    // Each entry's place is its rank in the draw: the first three admitted, the rest in order.
    const placeOf = (entryId: string) => {
      const rank = draw.entries.indexOf(entryId) + 1
      return rank <= 3 ? { status: 'ACTIVE', position: 0 } : { status: 'WAITING', position: rank - 3 }
    }
    for (const [i, socket] of sockets.entries())
      expect(socket.messages[1]).toMatchObject({
        token: entries[i]!.token,
        entryId: entries[i]!.entryId,
        ...placeOf(entries[i]!.entryId),
      })
    for (const [i, stream] of streams.entries())
      expect(stream.events[1]).toMatchObject({ token: entries[4 + i]!.token, ...placeOf(entries[4 + i]!.entryId) })
    await sleep(SNAPSHOT_MAX_AGE_MS)
    for (const e of entries) {
      // Twice: from the object (which tells the Worker the place), then from the Worker's view.
      for (let i = 0; i < 2; i++)
        expect((await statusOf(concertId, e.token)).body).toMatchObject({
          token: e.token,
          entryId: e.entryId,
          ...placeOf(e.entryId),
        })
    }
    // Asking again after the draw: the same token, now with its place.
    const again = await enter(entries[11]!.fan, concertId)
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({
      token: entries[11]!.token,
      entryId: entries[11]!.entryId,
      ...placeOf(entries[11]!.entryId),
    })

    // After the opening: the back of the line, behind every drawn entry, with no entryId.
    const late = await enter(await newUser(), concertId)
    expect(late.status).toBe(201)
    expect(late.body).toMatchObject({ status: 'WAITING', position: 12 - 3 + 1 })
    expect(late.body.entryId).toBeUndefined()
    expect((await call('GET', `/api/concerts/${concertId}/sale/draw`)).body.entries).toHaveLength(12)
  })

  it("draws 20,000 entries in slices, in the formula's order (100,000: npm run bench:queue -- --prequeue)", async () => {
    const { concertId, sale } = await openingSoon(5_000)
    const fan = await enterQueue(await newUser(), concertId)
    // The rest straight to the object, in batches as Workers send them: through HTTP it would take the test a minute.
    await runInDurableObject(stubOf(concertId), async (instance: ConcertObject) => {
      for (let batch = 0; batch < 4; batch++) {
        const entries = await instance.enterAll(
          Array.from({ length: batch === 3 ? 4_999 : 5_000 }, () => crypto.randomUUID()),
        )
        expect(entries.every((e) => e.ok && e.value.status.status === 'PRE_QUEUE')).toBe(true)
      }
    })
    expect(Date.now()).toBeLessThan(Date.parse(sale!.opensAt))
    await sleep(Date.parse(sale!.opensAt) - Date.now())
    // A slice a second, each made by the alarm.
    for (let slice = 0; slice < 20_000 / DRAW_SLICE; slice++) {
      if (slice > 0) await sleep(1_000)
      await runDurableObjectAlarm(stubOf(concertId))
    }
    const draw = (await call('GET', `/api/concerts/${concertId}/sale/draw`)).body
    expect(draw.entries).toHaveLength(20_000)
    expect(draw.entries).toEqual(await expectedOrder(draw.seed, [...draw.entries].sort()))
    const stats = (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body
    expect(stats).toMatchObject({ waiting: 20_000 - 50, active: 50 })
    const rank = draw.entries.indexOf(fan.entryId) + 1
    expect((await statusOf(concertId, fan.token)).body).toMatchObject(
      rank <= 50 ? { status: 'ACTIVE' } : { status: 'WAITING', position: rank - 50 },
    )
  })

  it('a pre-queue larger than a slice is drawn slice by slice: every entry has its exact place from the opening (a restart too), the first admitted after the first slice, an undrawn fan keeps the entry', async () => {
    const { concertId, sale, dates } = await openingSoon(5_000, {
      queuePolicy: { maxActiveUsers: 50, idleTimeoutSeconds: 3_600 },
    })
    const total = DRAW_SLICE + 500
    await runInDurableObject(stubOf(concertId), async (instance: ConcertObject) => {
      for (let made = 0; made < total; made += 5_000)
        await instance.enterAll(Array.from({ length: Math.min(5_000, total - made) }, () => crypto.randomUUID()))
    })
    await sleep(Date.parse(sale!.opensAt) - Date.now())
    await runDurableObjectAlarm(stubOf(concertId))

    // The first slice is drawn: its first 50 admitted; every entry counts in line. The seed and the whole order are published as the draw begins.
    const draw = (await call('GET', `/api/concerts/${concertId}/sale/draw`)).body
    expect(draw.entries).toHaveLength(total)
    expect((await call('GET', `/api/concerts/${concertId}/sale`)).body).toMatchObject({
      state: 'OPEN',
      seed: draw.seed,
      drawnEntries: total,
    })
    expect(
      (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body,
    ).toMatchObject({ waiting: total - 50, active: 50 })
    const undrawn = await runInDurableObject(stubOf(concertId), (_, state) =>
      state.storage.sql
        .exec<{ entry_id: string; user_id: string }>('SELECT entry_id, user_id FROM pre_queue WHERE arrival IS NULL')
        .toArray(),
    )
    expect(undrawn).toHaveLength(500)
    // Their slice has not come, but each has its place already: its rank in the draw.
    const rankOf = (entryId: string) => draw.entries.indexOf(entryId) + 1
    const places = undrawn.map((r) => ({ arrival: 0, userId: r.user_id, entryId: r.entry_id }))
    expect(await stubOf(concertId).drawnArrivals(places)).toEqual({
      ok: true,
      value: places.map((p) => rankOf(p.entryId)),
    })
    const waiting = places[0]!
    const place = { status: 'WAITING', entryId: waiting.entryId, position: rankOf(waiting.entryId) - 50 }
    expect(await stubOf(concertId).status(waiting)).toMatchObject({
      ok: true,
      value: { arrival: rankOf(waiting.entryId), status: place },
    })
    expect(await stubOf(concertId).enterAll([waiting.userId])).toMatchObject([
      { ok: true, value: { created: false, arrival: 0, entryId: waiting.entryId, status: place } },
    ])
    expect(
      await stubOf(concertId).hold({ ...waiting, arrival: rankOf(waiting.entryId) }, dates[0]!.date, [1]),
    ).toMatchObject({ ok: false, code: 'QUEUE_NOT_ACTIVE' })
    // Polled through the Worker: its place found once by a gate, then told from the line view.
    const token = await signQueueToken(
      { userId: waiting.userId, concertId, arrival: 0, entryId: waiting.entryId },
      env.AUTH_SECRET,
    )
    const before = await placesFoundByGates(concertId)
    expect((await statusOf(concertId, token)).body).toMatchObject(place)
    expect((await statusOf(concertId, token)).body).toMatchObject(place)
    expect(await placesFoundByGates(concertId)).toBe(before + 1)
    // Restarted between slices (this object alone: streams of other tests stay open), it still counts the places not yet given, and finds them.
    await runInDurableObject(stubOf(concertId), (_, state) => state.abort('restarted by the test')).catch(() => {})
    expect(
      (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body,
    ).toMatchObject({ waiting: total - 50, active: 50 })
    expect(await stubOf(concertId).drawnArrivals(places.slice(0, 50))).toEqual({
      ok: true,
      value: places.slice(0, 50).map((p) => rankOf(p.entryId)),
    })
    // A newcomer joins behind every entry of the pre-queue, drawn or not.
    const late = await enter(await newUser(), concertId)
    expect(late.body).toMatchObject({ status: 'WAITING', position: total - 50 + 1 })

    // The last slice a second later: the draw is whole, in the formula's order, each place the one it had.
    await sleep(1_000)
    await runDurableObjectAlarm(stubOf(concertId))
    expect((await call('GET', `/api/concerts/${concertId}/sale/draw`)).body).toEqual(draw)
    expect(draw.entries).toEqual(await expectedOrder(draw.seed, [...draw.entries].sort()))
    const given = await runInDurableObject(stubOf(concertId), (_, state) =>
      state.storage.sql
        .exec<{ entry_id: string; arrival: number }>(
          'SELECT entry_id, arrival FROM pre_queue WHERE entry_id IN (SELECT value FROM json_each(?))',
          JSON.stringify(undrawn.map((r) => r.entry_id)),
        )
        .toArray(),
    )
    expect(given.every((r) => r.arrival === rankOf(r.entry_id))).toBe(true)
    expect((await statusOf(concertId, token)).body).toMatchObject(place)
  })

  it('an entry after opensAt, before the alarm has run, finds the draw made', async () => {
    const { concertId, sale } = await openingSoon(1_500)
    const early = await enterQueue(await newUser(), concertId)
    await sleep(Date.parse(sale!.opensAt) - Date.now())
    const late = await enterQueue(await newUser(), concertId)
    expect(late).toMatchObject({ status: 'ACTIVE' })
    expect((await statusOf(concertId, early.token)).body).toMatchObject({ status: 'ACTIVE' })
    // The alarm, when it runs, finds nothing more to draw.
    await runDurableObjectAlarm(stubOf(concertId))
    expect((await call('GET', `/api/concerts/${concertId}/sale/draw`)).body.entries).toHaveLength(1)
  })

  it('a drawn place that idles out leaves like any other; asking again then joins the back with a new token', async () => {
    const { concertId, sale } = await openingSoon(1_500, { queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 1 } })
    const users = [await newUser(), await newUser()]
    const entries = [await enterQueue(users[0]!, concertId), await enterQueue(users[1]!, concertId)]
    await sleep(Date.parse(sale!.opensAt) - Date.now() + 2_500)
    await runDurableObjectAlarm(stubOf(concertId))
    const statuses = await Promise.all(entries.map((e) => statusOf(concertId, e.token)))
    // The ACTIVE one keeps the admission; the waiting one, unseen since the opening, has left.
    const waiting = statuses.findIndex((s) => s.status === 401)
    expect(waiting).toBeGreaterThanOrEqual(0)
    expect(statuses[1 - waiting]!.body.status).toBe('ACTIVE')
    const back = await enter(users[waiting]!, concertId)
    expect(back.status).toBe(201)
    expect(back.body.token).not.toBe(entries[waiting]!.token)
    expect(back.body).toMatchObject({ status: 'WAITING', position: 1 })
    expect(back.body.entryId).toBeUndefined()
  })
})
