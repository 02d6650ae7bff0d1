import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { activeBuyer, ADMIN_TOKEN, call, expectError, newConcert, newUser, sleep } from '../helpers'

/** The Worker with a different CONCERT_MAX_IN_FLIGHT; the bindings (object, D1) are the real ones. */
async function callWithLimit(limit: number, method: string, path: string, accessToken: string) {
  const request = new Request(`http://tickets.test${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}` },
  })
  const res = await worker.fetch(request, { ...env, CONCERT_MAX_IN_FLIGHT: String(limit) }, createExecutionContext())
  return { status: res.status, body: (await res.json()) as any, retryAfter: res.headers.get('retry-after') }
}

describe('load shedding', () => {
  it('answers 429 OVERLOADED with Retry-After past the in-flight limit, and a shed request changes nothing', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1000 } })
    const users = await Promise.all(Array.from({ length: 60 }, () => newUser()))
    const replies = await Promise.all(
      users.map((u) => callWithLimit(5, 'POST', `/api/concerts/${concertId}/queue/tokens`, u.accessToken)),
    )

    const entered = replies.filter((r) => r.status === 201)
    const shed = replies.filter((r) => r.status === 429)
    expect(entered.length + shed.length).toBe(60)
    expect(entered.length).toBeGreaterThanOrEqual(5)
    expect(shed.length).toBeGreaterThan(0)
    for (const r of shed) {
      expect(r.body).toEqual({ error: { code: 'OVERLOADED', message: expect.any(String) } })
      expect(r.retryAfter).toBe('1')
    }
    // Only the admitted requests reached the object.
    const stats = await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
    expect(stats.body.active + stats.body.waiting).toBe(entered.length)

    // Once the rush is over the same users get in.
    const retried = await Promise.all(
      users.slice(0, 3).map((u) => callWithLimit(5, 'POST', `/api/concerts/${concertId}/queue/tokens`, u.accessToken)),
    )
    for (const r of retried) expect([200, 201]).toContain(r.status)
  })

  it("maps the runtime's overloaded and reset errors of a concert object to 429 / 503 with Retry-After", async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    // A namespace whose objects fail every call the way workerd reports it (an entry reaches a gate first).
    const failingWith = <N extends 'CONCERT' | 'GATE' | 'MIRROR'>(props: object) =>
      ({
        idFromName: (name: string) => env.CONCERT.idFromName(name),
        get: () =>
          new Proxy(
            {},
            { get: () => async () => Promise.reject(Object.assign(new Error('Durable Object is overloaded.'), props)) },
          ),
      }) as unknown as Env[N]
    for (const [props, status, code] of [
      [{ overloaded: true, retryable: false }, 429, 'OVERLOADED'],
      [{ retryable: true }, 503, 'TRY_AGAIN'],
    ] as const) {
      const request = new Request(`http://tickets.test/api/concerts/${concertId}/queue/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}` },
      })
      const res = await worker.fetch(
        request,
        {
          ...env,
          CONCERT: failingWith<'CONCERT'>(props),
          GATE: failingWith<'GATE'>(props),
          MIRROR: failingWith<'MIRROR'>(props),
        },
        createExecutionContext(),
      )
      expect(res.status).toBe(status)
      expect(res.headers.get('retry-after')).toBe('1')
      expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } })
    }
  })

  it('limits one user to 20 hold attempts per 10 s window; the 21st gets 429 RATE_LIMITED with Retry-After', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxHoldsPerUser: 10, maxTicketsPerUser: 10 } })
    const buyer = await activeBuyer(concertId)
    // Start in a fresh 10-second window so that all attempts fall into one.
    if (Date.now() % 10_000 > 6_000) await sleep(10_000 - (Date.now() % 10_000) + 50)
    const replies = []
    for (let seat = 1; seat <= 25; seat++) {
      replies.push(
        await call('POST', `/api/concerts/${concertId}/reservations`, {
          accessToken: buyer.accessToken,
          queueToken: buyer.queueToken,
          body: { date: dates[0]!.date, seatNumber: seat },
        }),
      )
    }
    // Ten holds, ten refused by the hold limit (they still count: each reached the object), then cut off.
    expect(replies.slice(0, 20).map((r) => r.status)).toEqual([...Array(10).fill(201), ...Array(10).fill(409)])
    for (const r of replies.slice(20)) {
      expectError(r, 429, 'RATE_LIMITED')
      const retryAfter = Number(r.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(10)
    }
    const stats = await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
    expect(stats.body.holds).toBe(10)

    // Another user of the same sale is not affected.
    const other = await activeBuyer(concertId)
    const theirs = await call('POST', `/api/concerts/${concertId}/reservations`, {
      accessToken: other.accessToken,
      queueToken: other.queueToken,
      body: { date: dates[0]!.date, seatNumber: 30 },
    })
    expect(theirs.status).toBe(201)
  })

  it('limits queue entries per user the same way', async () => {
    const { concertId } = await newConcert()
    const user = await newUser()
    if (Date.now() % 10_000 > 6_000) await sleep(10_000 - (Date.now() % 10_000) + 50)
    const statuses = []
    for (let i = 0; i < 22; i++)
      statuses.push(
        (await call('POST', `/api/concerts/${concertId}/queue/tokens`, { accessToken: user.accessToken })).status,
      )
    expect(statuses).toEqual([201, ...Array(19).fill(200), 429, 429])
  })
})
