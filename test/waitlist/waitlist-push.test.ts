import { describe, expect, it } from 'vitest'
import { waitlistRelayName } from '../../src/concert-client/relay-names'
import {
  activeBuyer,
  enterQueue,
  expectError,
  hold,
  holdOrder,
  newConcert,
  newUser,
  openSocket,
  openStream,
  payFor,
  refund,
  sleep,
} from '../helpers'
import {
  entriesOf,
  join,
  openWaitlistStream,
  payOffer,
  soldOut,
  waiter,
  type WaitlistEntryBody,
} from './waitlist-helpers'

/** Waits until `check` holds, polling every 20 ms, at most `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs
  while (!check() && Date.now() < deadline) await sleep(20)
  return check()
}

const waitlistMessages = (messages: any[]) =>
  messages.filter((m) => 'waitlist' in m).map((m) => m.waitlist as WaitlistEntryBody)

describe('the waitlist pushed to fans', () => {
  it("tells a fan in line, on their queue socket and stream, of the offer a refund made and of its end; another fan's socket hears nothing", async () => {
    const concert = await newConcert({
      seatsPerDate: 2,
      queuePolicy: { maxActiveUsers: 3, waitlistOfferSeconds: 2, idleTimeoutSeconds: 600 },
    })
    const { concertId } = concert
    const date = concert.dates[0]!.date
    // Seat 1 sold, seat 2 held: nothing AVAILABLE, not sold out, so the line takes entries and admits nobody.
    const payer = await activeBuyer(concertId, 1_000_000)
    const bought = await holdOrder(payer, concertId, date, [1])
    expect((await payFor(payer, bought.body.reservationId)).status).toBe(201)
    expect((await hold(await activeBuyer(concertId), concertId, date, 2)).status).toBe(201)
    const fan = await newUser()
    const other = await newUser()
    const [fanPlace, otherPlace] = [await enterQueue(fan, concertId), await enterQueue(other, concertId)]
    expect([fanPlace.status, otherPlace.status]).toEqual(['WAITING', 'WAITING'])
    const fanSocket = await openSocket(concertId, fanPlace.token)
    const otherSocket = await openSocket(concertId, otherPlace.token)
    const fanStream = await openStream(concertId, fanPlace.token)
    await Promise.all([
      fanSocket.received(1),
      otherSocket.received(1),
      fanStream.until(() => fanStream.events.length >= 1),
    ])
    expect((await join(fan, concertId, { date, seats: 1 })).status).toBe(201)

    expect((await refund(payer, bought.body.reservationId)).status).toBe(201)
    expect(await eventually(() => waitlistMessages(fanSocket.messages).length >= 1)).toBe(true)
    const [offered] = waitlistMessages(fanSocket.messages)
    // Exactly the entry as GET /api/users/me/waitlist shows it.
    expect(offered).toEqual((await entriesOf(fan))[0])
    expect(offered).toMatchObject({
      status: 'OFFERED',
      reservationId: expect.any(String),
      expiresAt: expect.any(String),
    })

    // Not paid within its 2 s: EXPIRED, with no request.
    expect(await eventually(() => waitlistMessages(fanSocket.messages).length >= 2, 8_000)).toBe(true)
    expect(waitlistMessages(fanSocket.messages)[1]).toMatchObject({
      waitlistId: offered!.waitlistId,
      status: 'EXPIRED',
    })
    expect(waitlistMessages(otherSocket.messages)).toEqual([])
    // The queue's stream, `event: waitlist`, the same two.
    await fanStream.until(() => fanStream.waitlist.length >= 2)
    expect(fanStream.waitlist).toEqual(waitlistMessages(fanSocket.messages))
    // The queue's statuses go on as before on the same socket.
    expect(fanSocket.messages.filter((m) => 'status' in m).length).toBeGreaterThanOrEqual(1)
  })

  it("tells the user's waitlist stream of the offer and its payment, and another user's stream on the same relay nothing", async () => {
    const { concertId, date, bought } = await soldOut([[1]])
    const fan = await waiter(concertId, { date, seats: 1 }, 500_000)
    // A stranger whose stream the same relay holds, so that the relay must tell users apart.
    let stranger = await newUser()
    while (waitlistRelayName(concertId, stranger.userId) !== waitlistRelayName(concertId, fan.userId))
      stranger = await newUser()
    const mine = await openWaitlistStream(concertId, fan.accessToken)
    const theirs = await openWaitlistStream(concertId, stranger.accessToken)
    expect(mine.res.status).toBe(200)
    expect(mine.res.headers.get('content-type')).toBe('text/event-stream')
    expect(await eventually(() => mine.events.length >= 1 && theirs.events.length >= 1)).toBe(true)
    expect(mine.events[0]).toEqual({ event: 'entries', data: { entries: [fan.entry] } })
    expect(theirs.events[0]).toEqual({ event: 'entries', data: { entries: [] } })

    expect((await refund(bought[0]!.buyer, bought[0]!.reservationId)).status).toBe(201)
    expect(await eventually(() => mine.waitlisted().length >= 1)).toBe(true)
    const offered = mine.waitlisted()[0]!
    expect(offered).toEqual((await entriesOf(fan))[0])
    expect(offered.status).toBe('OFFERED')

    const paid = await payOffer(fan, offered.reservationId!)
    expect(paid.status).toBe(201)
    expect(await eventually(() => mine.waitlisted().length >= 2)).toBe(true)
    expect(mine.waitlisted()[1]).toEqual({ ...offered, status: 'FULFILLED', paymentId: paid.body.paymentId })
    await sleep(1_200)
    expect(mine.waitlisted()).toHaveLength(2)
    expect(theirs.events).toHaveLength(1)
    mine.close()
    theirs.close()
  })

  it('answers a bad token 401 and an unknown concert 404, in the error body, not a stream', async () => {
    const { concertId } = await soldOut([[1]])
    const bad = await openWaitlistStream(concertId, 'not-a-token')
    expect(bad.res.status).toBe(401)
    expectError({ status: 401, body: await bad.res.json(), headers: bad.res.headers }, 401, 'UNAUTHORIZED')
    const unknown = await openWaitlistStream(crypto.randomUUID(), (await newUser()).accessToken)
    expectError({ status: unknown.res.status, body: await unknown.res.json(), headers: unknown.res.headers }, 404)
  })

  it('two refunds racing with a waitlist of one push exactly one OFFERED to that user', async () => {
    const { concertId, date, bought } = await soldOut([[1], [2]], { queuePolicy: { maxTicketsPerUser: 1 } })
    const fan = await waiter(concertId, { date, seats: 1 })
    const stream = await openWaitlistStream(concertId, fan.accessToken)
    expect(await eventually(() => stream.events.length >= 1)).toBe(true)
    const refunds = await Promise.all(bought.map((b) => refund(b.buyer, b.reservationId)))
    expect(refunds.map((r) => r.status)).toEqual([201, 201])
    expect(await eventually(() => stream.waitlisted().length >= 1)).toBe(true)
    // Two more push intervals: nothing else comes.
    await sleep(2_200)
    expect(stream.waitlisted().map((e) => e.status)).toEqual(['OFFERED'])
    stream.close()
  })
})
