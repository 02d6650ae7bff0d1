import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { SNAPSHOT_MAX_AGE_MS } from '../../src/concert-client/status-polls'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  enterQueue,
  expectError,
  hold,
  newConcert,
  newUser,
  openSocket,
  payFor,
  sleep,
  stubOf,
} from '../helpers'

const statusOf = (concertId: string, token: string) =>
  call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: token })
const setPolicy = (concertId: string, body: object) =>
  call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, { accessToken: ADMIN_TOKEN, body })
const statsOf = async (concertId: string) =>
  (await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })).body

describe('WebSocket push', () => {
  it('sends WAITING on connect, ACTIVE when admitted, then EXPIRED and closes when the token ends', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const first = await activeBuyer(concertId, 500_000)
    const user = await newUser()
    const { token } = await enterQueue(user, concertId)
    const socket = await openSocket(concertId, token)
    await socket.received(1)
    expect(socket.messages[0]).toMatchObject({
      token,
      userId: user.userId,
      concertId,
      status: 'WAITING',
      position: 1,
      activeUntil: null,
    })

    // Admissions from now on last one second. The first buyer pays: their place goes to our
    // user, who is told at once; a second later the admission ends and the socket is told so.
    await setPolicy(concertId, { activeTtlSeconds: 1 })
    const { reservationId } = (await hold(first, concertId, dates[0]!.date, 1)).body
    expect((await payFor(first, reservationId)).status).toBe(201)
    await socket.received(2)
    expect(socket.messages[1]).toMatchObject({ status: 'ACTIVE', position: 0, estimatedWaitSeconds: 0 })
    await socket.received(3)
    expect(socket.messages[2]).toEqual({ status: 'EXPIRED' })
    expect(await socket.closed).toBe(1000)
  })

  it('a forged token is refused before the upgrade; a finished one gets EXPIRED and a close', async () => {
    const { concertId } = await newConcert()
    const forged = await exports.default.fetch(
      new Request(`http://tickets.test/api/concerts/${concertId}/queue/ws?token=not.a.token`, {
        headers: { upgrade: 'websocket' },
      }),
    )
    expect(forged.status).toBe(401)
    expect(await forged.json()).toMatchObject({ error: { code: 'QUEUE_TOKEN_INVALID' } })
    const plain = await call('GET', `/api/concerts/${concertId}/queue/ws?token=x`)
    expectError(plain, 401, 'QUEUE_TOKEN_INVALID')

    const buyer = await activeBuyer(concertId, 500_000)
    const dates = (await call('GET', `/api/concerts/${concertId}/dates`)).body.dates
    const { reservationId } = (await hold(buyer, concertId, dates[0].date, 2)).body
    await payFor(buyer, reservationId)
    const socket = await openSocket(concertId, buyer.queueToken)
    await socket.received(1)
    expect(socket.messages).toEqual([{ status: 'EXPIRED' }])
    expect(await socket.closed).toBe(1000)
  })

  it('needs an upgrade header, and a token of this concert', async () => {
    const { concertId } = await newConcert()
    const other = await newConcert()
    const { token } = await enterQueue(await newUser(), concertId)
    expectError(await call('GET', `/api/concerts/${concertId}/queue/ws?token=${token}`), 426, 'UPGRADE_REQUIRED')
    expectError(
      await call('GET', `/api/concerts/${other.concertId}/queue/ws?token=${token}`),
      403,
      'QUEUE_TOKEN_MISMATCH',
    )
    expectError(await call('GET', `/api/concerts/${concertId}/queue/ws`), 400, 'VALIDATION_FAILED')
  })

  it('coalesces: a burst of changes reaches a socket as at most one message per second, only when it changed', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    await activeBuyer(concertId)
    const ahead = await Promise.all(
      Array.from({ length: 10 }, async () => (await enterQueue(await newUser(), concertId)).token),
    )
    const user = await newUser()
    const { token } = await enterQueue(user, concertId)
    const socket = await openSocket(concertId, token)
    await socket.received(1)
    expect(socket.messages[0].position).toBe(11)

    // Ten admissions in quick succession: ten position changes.
    const started = Date.now()
    for (let max = 2; max <= 11; max++) await setPolicy(concertId, { maxActiveUsers: max })
    const burstMs = Date.now() - started
    await sleep(2_500)
    const pushed = socket.messages.slice(1)
    expect(pushed.at(-1)).toMatchObject({ status: 'WAITING', position: 1 })
    // At most one push per started second of the burst, plus the trailing one: never ten.
    expect(pushed.length).toBeLessThanOrEqual(Math.ceil(burstMs / 1_000) + 1)
    expect(pushed.length).toBeLessThan(10)
    // Nothing changed since: nothing more is sent.
    await sleep(1_200)
    expect(socket.messages.length).toBe(pushed.length + 1)
    expect(ahead).toHaveLength(10)
  })

  it('a client message is answered with the current status', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    await activeBuyer(concertId)
    const { token } = await enterQueue(await newUser(), concertId)
    const socket = await openSocket(concertId, token)
    await socket.received(1)
    socket.ws.send('ping')
    await socket.received(2)
    expect(socket.messages[1]).toMatchObject({ status: 'WAITING', position: 1 })
  })
})

describe('admission rate cap', () => {
  it('admits at most admitPerMinute in a rolling minute, then more once the minute has passed', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 100, admitPerMinute: 3 } })
    const entries = []
    for (let i = 0; i < 6; i++) entries.push(await enterQueue(await newUser(), concertId))
    expect(entries.map((e) => e.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'WAITING', 'WAITING', 'WAITING'])
    expect(entries.slice(3).map((e) => e.position)).toEqual([1, 2, 3])
    // The estimate respects the cap: 3 per minute means the third in line waits a minute.
    expect((await statusOf(concertId, entries[5]!.token)).body.estimatedWaitSeconds).toBeGreaterThanOrEqual(60)

    // A minute passes (moved back in storage; the object reloads it on restart).
    await runInDurableObject(stubOf(concertId), (_, state) => {
      state.storage.sql.exec('UPDATE admissions SET at = at - 61000')
    })
    await abortAllDurableObjects()
    // That change bypassed the Worker, whose view of the queue may be SNAPSHOT_MAX_AGE_MS old.
    await sleep(SNAPSHOT_MAX_AGE_MS)
    const after = await Promise.all(entries.map((e) => statusOf(concertId, e.token)))
    expect(after.map((s) => s.body.status)).toEqual(Array(6).fill('ACTIVE'))
    expect((await statsOf(concertId)).admittedLastMinute).toBe(3)
  })

  it('lifting the cap live admits the waiting in arrival order', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 4, admitPerMinute: 1 } })
    const entries = []
    for (let i = 0; i < 6; i++) entries.push(await enterQueue(await newUser(), concertId))
    expect(entries.map((e) => e.status)).toEqual(['ACTIVE', ...Array(5).fill('WAITING')])
    expect((await setPolicy(concertId, { admitPerMinute: null })).body.admitPerMinute).toBeNull()
    const after = await Promise.all(entries.map((e) => statusOf(concertId, e.token)))
    expect(after.map((s) => [s.body.status, s.body.position])).toEqual([
      ['ACTIVE', 0],
      ['ACTIVE', 0],
      ['ACTIVE', 0],
      ['ACTIVE', 0],
      ['WAITING', 1],
      ['WAITING', 2],
    ])
  })

  it('lowering maxActiveUsers admits nobody new and keeps the waiting order', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 3 } })
    const entries = []
    for (let i = 0; i < 6; i++) entries.push(await enterQueue(await newUser(), concertId))
    await setPolicy(concertId, { maxActiveUsers: 1 })
    const late = await enterQueue(await newUser(), concertId)
    expect(late.position).toBe(4)
    const waiting = await Promise.all(entries.slice(3).map((e) => statusOf(concertId, e.token)))
    expect(waiting.map((s) => s.body.position)).toEqual([1, 2, 3])
  })
})

describe('paused admission and a cap on waiting', () => {
  it('paused: a freed place is not filled and the waiting keep their order; resuming admits at once', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const first = await activeBuyer(concertId)
    const waiting = [await enterQueue(await newUser(), concertId), await enterQueue(await newUser(), concertId)]
    expect((await setPolicy(concertId, { paused: true })).body).toMatchObject({ paused: true, maxActiveUsers: 1 })
    // Places free up while paused (a larger maxActiveUsers): nobody is admitted to them.
    await setPolicy(concertId, { maxActiveUsers: 3 })
    await sleep(SNAPSHOT_MAX_AGE_MS)
    expect(
      (await Promise.all(waiting.map((w) => statusOf(concertId, w.token)))).map((s) => [
        s.body.status,
        s.body.position,
      ]),
    ).toEqual([
      ['WAITING', 1],
      ['WAITING', 2],
    ])
    // Nor is an admission due: once the entries' events are relayed (0.5 s), the alarm is not
    // armed for now, so it does not fire in a loop.
    await sleep(1_000)
    const alarm = await runInDurableObject(stubOf(concertId), (_, state) => state.storage.getAlarm())
    expect(alarm === null || alarm > Date.now() + 1_000, `alarm at ${alarm}`).toBe(true)
    // New entries still join the back while paused.
    const late = await enterQueue(await newUser(), concertId)
    expect([late.status, late.position]).toEqual(['WAITING', 3])
    expect((await statsOf(concertId)).active).toBe(1)

    expect((await setPolicy(concertId, { paused: false })).body.paused).toBe(false)
    await sleep(SNAPSHOT_MAX_AGE_MS)
    const after = await Promise.all([...waiting, late].map((w) => statusOf(concertId, w.token)))
    expect(after.map((s) => s.body.status)).toEqual(['ACTIVE', 'ACTIVE', 'WAITING'])
    expect((await statusOf(concertId, first.queueToken)).body.status).toBe('ACTIVE')
  })

  it('maxWaitingUsers: entries past it get 409 QUEUE_FULL; a user with a place keeps getting it; room opens as the line moves', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, maxWaitingUsers: 2 } })
    const admitted = await activeBuyer(concertId)
    const placed = [await newUser(), await newUser()]
    for (const u of placed) expect((await enterQueue(u, concertId)).status).toBe('WAITING')
    const turnedAway = await newUser()
    const full = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: turnedAway.accessToken })
    expectError(full, 409, 'QUEUE_FULL')
    // Asking again for a place one has is not a new entry.
    const again = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: placed[1]!.accessToken })
    expect([again.status, again.body.position]).toEqual([200, 2])
    expect((await statsOf(concertId)).waiting).toBe(2)

    // The admitted buyer's place ends: the first waiter is admitted, and one place to wait opens.
    await setPolicy(concertId, { maxActiveUsers: 2 })
    expect(
      (await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: turnedAway.accessToken })).status,
    ).toBe(201)
    expectError(
      await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: (await newUser()).accessToken }),
      409,
      'QUEUE_FULL',
    )
    expect((await statusOf(concertId, admitted.queueToken)).body.status).toBe('ACTIVE')
  })

  it('maxWaitingUsers counts those who wait, not those a free place admits at once', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 3, maxWaitingUsers: 1 } })
    const replies = await Promise.all(
      Array.from({ length: 6 }, async () =>
        call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: (await newUser()).accessToken }),
      ),
    )
    const by = (status: number, code?: string) =>
      replies.filter((r) => r.status === status && (code === undefined || r.body.error?.code === code)).length
    // Six at once: three admitted, one waiting, two turned away.
    expect([by(201), by(409, 'QUEUE_FULL')]).toEqual([4, 2])
    expect(
      replies
        .filter((r) => r.status === 201)
        .map((r) => r.body.status)
        .sort(),
    ).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'WAITING'])
  })
})

describe('admission waits for a seat', () => {
  it('no seat AVAILABLE but some held: nobody is admitted, statuses say seatsLeft 0; a hold that expires admits the next', async () => {
    const { concertId, dates } = await newConcert({
      seatsPerDate: 2,
      queuePolicy: { maxActiveUsers: 3, holdTtlSeconds: 2 },
    })
    const date = dates[0]!.date
    const [a, b] = [await activeBuyer(concertId), await activeBuyer(concertId)]
    expect((await hold(a, concertId, date, 1)).status).toBe(201)
    expect((await hold(b, concertId, date, 2)).status).toBe(201)
    const c = await enterQueue(await newUser(), concertId)
    // A place is free (3 may be ACTIVE, 2 are) but no seat is.
    expect(c).toMatchObject({ status: 'WAITING', position: 1, seatsLeft: 0 })
    expect((await statsOf(concertId)).active).toBe(2)

    // The holds run out: their seats are AVAILABLE again and the next user is admitted, with no request needed.
    await sleep(2_500 + SNAPSHOT_MAX_AGE_MS)
    expect((await statusOf(concertId, c.token)).body).toMatchObject({ status: 'ACTIVE', seatsLeft: 2 })
  })

  it('a released hold admits the next at once', async () => {
    const { concertId, dates } = await newConcert({ seatsPerDate: 1, queuePolicy: { maxActiveUsers: 2 } })
    const holder = await activeBuyer(concertId)
    const held = await hold(holder, concertId, dates[0]!.date, 1)
    const next = await enterQueue(await newUser(), concertId)
    expect(next).toMatchObject({ status: 'WAITING', seatsLeft: 0 })
    const released = await call('DELETE', `/api/concerts/${concertId}/reservations/${held.body.reservationId}`, {
      accessToken: holder.accessToken,
      queueToken: holder.queueToken,
    })
    expect(released.status).toBe(204)
    await sleep(SNAPSHOT_MAX_AGE_MS)
    expect((await statusOf(concertId, next.token)).body).toMatchObject({ status: 'ACTIVE', seatsLeft: 1 })
  })
})

describe('abandonment', () => {
  it('a waiting user who neither polls nor holds a socket leaves; those behind move up; a socket keeps its holder', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 1 } })
    await activeBuyer(concertId)
    const silent = await enterQueue(await newUser(), concertId)
    const connected = await enterQueue(await newUser(), concertId)
    const poller = await enterQueue(await newUser(), concertId)
    const socket = await openSocket(concertId, connected.token)
    await socket.received(1)
    expect(socket.messages[0].position).toBe(2)

    for (let i = 0; i < 6; i++) {
      await sleep(400)
      expect((await statusOf(concertId, poller.token)).status).toBe(200)
    }
    expectError(await statusOf(concertId, silent.token), 401, 'QUEUE_TOKEN_INVALID')
    expect((await statusOf(concertId, poller.token)).body.position).toBe(2)
    await socket.received(2)
    expect(socket.messages.at(-1)).toMatchObject({ status: 'WAITING', position: 1 })
    expect(await statsOf(concertId)).toMatchObject({ waiting: 2, active: 1, abandoned: 1 })

    // Coming back means a new place at the back.
    const returned = await call('POST', `/api/concerts/${concertId}/queue/tokens`, {
      accessToken: (await newUser()).accessToken,
    })
    expect(returned.body.position).toBe(3)
  })
})

describe('operator statistics', () => {
  it('count waiting, active, admissions, holds and sold seats', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 2 } })
    const a = await activeBuyer(concertId, 500_000)
    const b = await activeBuyer(concertId)
    await enterQueue(await newUser(), concertId)
    await hold(b, concertId, dates[0]!.date, 3)
    const { reservationId } = (await hold(a, concertId, dates[0]!.date, 4)).body
    await payFor(a, reservationId)
    expect(await statsOf(concertId)).toMatchObject({
      concertId,
      waiting: 0,
      active: 2,
      admittedLastMinute: 3,
      abandoned: 0,
      holds: 1,
      sold: 1,
      policy: { maxActiveUsers: 2 },
    })
    expectError(await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: a.accessToken }), 403)
    expectError(
      await call('GET', `/api/admin/concerts/${crypto.randomUUID()}/queue`, { accessToken: ADMIN_TOKEN }),
      404,
      'CONCERT_NOT_FOUND',
    )
  })
})
