import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  arrivalOf,
  call,
  daysFromNow,
  enterQueue,
  expectError,
  newConcert,
  newUser,
  sleep,
  type User,
  stubOf,
} from '../helpers'

const statusOf = (concertId: string, token: string, accessToken?: string) =>
  call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: token, accessToken })

describe('queue tokens', () => {
  it('the first user is admitted at once; asking again returns the same token and place', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const a = await newUser()
    const b = await newUser()
    const first = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: a.accessToken })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      userId: a.userId,
      concertId,
      status: 'ACTIVE',
      position: 0,
      estimatedWaitSeconds: 0,
    })
    expect(Date.parse(first.body.activeUntil)).toBeGreaterThan(Date.now())

    const second = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: b.accessToken })
    expect(second.status).toBe(201)
    expect(second.body).toEqual({
      token: expect.any(String),
      userId: b.userId,
      concertId,
      status: 'WAITING',
      position: 1,
      // One admission measured over the minimum 10 s window: 0.1 per second.
      estimatedWaitSeconds: 10,
      activeUntil: null,
      pollAfterSeconds: 2,
      seatsLeft: 50,
    })
    const again = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: b.accessToken })
    expect(again.status).toBe(200)
    expect(again.body.token).toBe(second.body.token)
    expect(again.body.position).toBe(1)
    expect(second.body.token).not.toBe(first.body.token)
  })

  it('entries racing in together each get one place: a user asking five times at once gets one token', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const users = await Promise.all(Array.from({ length: 20 }, () => newUser()))
    // Each user asks five times, all 100 requests at once and interleaved.
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => users)
        .flat()
        .map((u) => call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: u.accessToken })),
    )
    for (const [i, u] of users.entries()) {
      const own = replies.filter((_, j) => j % users.length === i)
      expect(own.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201])
      expect(new Set(own.map((r) => r.body.token)).size).toBe(1)
      expect(own.every((r) => r.body.userId === u.userId)).toBe(true)
    }
    // 20 places, consecutive, and the stored line agrees.
    const places = users.map((_, i) => replies[i]!.body.position as number).sort((a, b) => a - b)
    expect(places).toEqual(Array.from({ length: 20 }, (_, i) => i))
    const stored = await runInDurableObject(stubOf(concertId), (_, state) => ({
      rows: state.storage.sql
        .exec<{ n: number; last: number }>('SELECT COUNT(*) AS n, MAX(arrival) AS last FROM queue')
        .one(),
      meta: state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'lastArrival'").one().value,
    }))
    expect(stored).toEqual({ rows: { n: 20, last: 20 }, meta: '20' })
  })

  it('status works with the queue token alone or with its own access token', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    const { token } = await enterQueue(user, concertId)
    expect((await statusOf(concertId, token)).status).toBe(200)
    expect((await statusOf(concertId, token, user.accessToken)).body.userId).toBe(user.userId)
  })

  it('entering needs an access token, and a known concert', async () => {
    const { concertId } = await newConcert()
    expectError(await call('POST', `/api/concerts/${concertId}/queue/tokens`), 401)
    const user = await newUser()
    expectError(
      await call('POST', `/api/concerts/${crypto.randomUUID()}/queue/tokens`, { accessToken: user.accessToken }),
      404,
      'CONCERT_NOT_FOUND',
    )
  })
})

describe('admission', () => {
  it('admits strictly in arrival order: 25 users racing to enter, places freed one at a time', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const users = await Promise.all(Array.from({ length: 25 }, () => newUser()))
    const entries = await Promise.all(users.map((u) => enterQueue(u, concertId)))
    // Exactly one got the free place; the others hold distinct places 1..24.
    expect(entries.filter((e) => e.status === 'ACTIVE')).toHaveLength(1)
    const waiting = entries.filter((e) => e.status === 'WAITING').sort((x, y) => x.position - y.position)
    expect(waiting.map((e) => e.position)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))

    for (let free = 2; free <= 25; free++) {
      await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
        accessToken: ADMIN_TOKEN,
        body: { maxActiveUsers: free },
      })
      const statuses = await Promise.all(waiting.map((e) => statusOf(concertId, e.token)))
      // The admitted are exactly the first (free - 1) arrivals; the rest moved up by one.
      statuses.forEach((s, i) => {
        if (i < free - 1) expect(s.body).toMatchObject({ status: 'ACTIVE', position: 0 })
        else expect(s.body).toMatchObject({ status: 'WAITING', position: i - (free - 1) + 1 })
      })
    }
  })

  it('a user whose admission times out is expired by the alarm, with no request, and the next user is admitted', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, activeTtlSeconds: 1 } })
    const firstUser = await newUser()
    const first = await enterQueue(firstUser, concertId)
    const second = await enterQueue(await newUser(), concertId)
    expect([first.status, second.status]).toEqual(['ACTIVE', 'WAITING'])
    // Later admissions last longer, so the second user is still ACTIVE when we look.
    await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { activeTtlSeconds: 600 },
    })
    await sleep(2_000)
    // Read storage directly: no request has swept, so only the alarm can have done this.
    const rows = await runInDurableObject(stubOf(concertId), (_, state) =>
      state.storage.sql
        .exec<{ arrival: number; status: string }>('SELECT arrival, status FROM queue ORDER BY arrival')
        .toArray(),
    )
    expect(rows).toEqual([{ arrival: arrivalOf(second.token), status: 'ACTIVE' }])
    expectError(await statusOf(concertId, first.token), 401, 'QUEUE_TOKEN_INVALID')
    // Coming back means a new token at the back of the line.
    const back = await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: firstUser.accessToken })
    expect(back.status).toBe(201)
    expect(back.body).toMatchObject({ status: 'WAITING', position: 1 })
    expect(back.body.token).not.toBe(first.token)
  })

  it('runDurableObjectAlarm expires a due admission (alarm handler alone)', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, activeTtlSeconds: 600 } })
    const first = await enterQueue(await newUser(), concertId)
    const second = await enterQueue(await newUser(), concertId)
    const stub = stubOf(concertId)
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec(
        'UPDATE queue SET active_until = ? WHERE arrival = ?',
        Date.now() - 1,
        arrivalOf(first.token),
      )
    })
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const rows = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec('SELECT arrival, status FROM queue').toArray(),
    )
    expect(rows).toEqual([{ arrival: arrivalOf(second.token), status: 'ACTIVE' }])
    // Running it again is harmless.
    await runDurableObjectAlarm(stub)
    expect((await statusOf(concertId, second.token)).body.status).toBe('ACTIVE')
  })

  it('the queue survives a restart of the concert object: same tokens, same order', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const users: User[] = await Promise.all(Array.from({ length: 5 }, () => newUser()))
    const entries = []
    for (const u of users) entries.push(await enterQueue(u, concertId))
    await abortAllDurableObjects()
    const after = await Promise.all(entries.map((e) => statusOf(concertId, e.token)))
    expect(after.map((s) => [s.body.status, s.body.position])).toEqual([
      ['ACTIVE', 0],
      ['WAITING', 1],
      ['WAITING', 2],
      ['WAITING', 3],
      ['WAITING', 4],
    ])
    const sixth = await enterQueue(await newUser(), concertId)
    expect(sixth.position).toBe(5)
  })
})

describe('dates', () => {
  it('uses the given startsAt', async () => {
    const date = daysFromNow(3)
    const { concertId } = await newConcert({ dates: [{ date, startsAt: `${date}T09:00:00Z`, price: 1 }] })
    const reply = await call('GET', `/api/concerts/${concertId}/dates`)
    expect(reply.body.dates[0].startsAt).toBe(`${date}T09:00:00Z`)
  })
})
