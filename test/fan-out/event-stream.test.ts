import { describe, expect, it } from 'vitest'
import { KEEP_ALIVE_MS } from '../../src/relay/streams'
import { activeBuyer, ADMIN_TOKEN, call, enterQueue, hold, newConcert, newUser, openStream, payFor } from '../helpers'

describe('queue event stream (SSE)', () => {
  it('sends the status on connect, each change, and a last EXPIRED before it ends', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    await activeBuyer(concertId)
    const user = await newUser()
    await call('POST', '/api/users/me/balance/charges', { accessToken: user.accessToken, body: { amount: 500_000 } })
    const entry = await enterQueue(user, concertId)
    const stream = await openStream(concertId, entry.token)
    expect(stream.res.status).toBe(200)
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream')
    expect(await stream.until(() => stream.events.length === 1)).toBe(true)
    expect(stream.events[0]).toMatchObject({ token: entry.token, status: 'WAITING', position: 1, seatsLeft: 50 })

    // Admitted with no request of its own: told within a second.
    const changedAt = Date.now()
    await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { maxActiveUsers: 2 },
    })
    expect(await stream.until(() => stream.events.length === 2)).toBe(true)
    expect(stream.events[1]).toMatchObject({ status: 'ACTIVE', position: 0 })
    expect(Date.now() - changedAt).toBeLessThan(1_500)

    const buyer = { ...user, queueToken: entry.token }
    const held = await hold(buyer, concertId, dates[0]!.date, 4)
    expect((await payFor(buyer, held.body.reservationId)).status).toBe(201)
    expect(await stream.until(stream.ended)).toBe(true)
    expect(stream.events.at(-1)).toEqual({ status: 'EXPIRED' })
  })

  it('an invalid token is 401 in the error body, not a stream; a finished one gets its last status and the end', async () => {
    const { concertId } = await newConcert()
    const forged = await openStream(concertId, 'not.a.token')
    expect(forged.res.status).toBe(401)
    expect(await forged.res.json()).toEqual({ error: { code: 'QUEUE_TOKEN_INVALID', message: expect.any(String) } })

    const buyer = await activeBuyer(concertId, 500_000)
    const dates = (await call('GET', `/api/concerts/${concertId}/dates`)).body.dates
    const held = await hold(buyer, concertId, dates[0].date, 9)
    await payFor(buyer, held.body.reservationId)
    const finished = await openStream(concertId, buyer.queueToken)
    expect(await finished.until(finished.ended)).toBe(true)
    expect(finished.events).toEqual([{ status: 'EXPIRED' }])
  })

  it(
    'a quiet stream gets a comment line every 20 s, and its holder counts as present',
    async () => {
      const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 5 } })
      await activeBuyer(concertId)
      const entry = await enterQueue(await newUser(), concertId)
      const stream = await openStream(concertId, entry.token)
      expect(await stream.until(() => stream.comments.length > 0, KEEP_ALIVE_MS + 2_000)).toBe(true)
      expect(stream.comments[0]).toBe(': keep-alive')
      // Past idleTimeoutSeconds with no poll: the open stream kept the place.
      expect(stream.ended()).toBe(false)
      expect(
        (await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: entry.token })).body,
      ).toMatchObject({ status: 'WAITING', position: 1 })
    },
    KEEP_ALIVE_MS + 10_000,
  )
})
