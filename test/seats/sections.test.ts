import { describe, expect, it } from 'vitest'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  daysFromNow,
  enterQueue,
  expectError,
  hold,
  holdOrder,
  newConcert,
  newUser,
  seatMap,
  stateOf,
} from '../helpers'

const ARENA = [
  { name: 'VIP', price: 150_000, seats: 10 },
  { name: 'R', price: 120_000, seats: 20 },
  { name: 'S', price: 90_000, seats: 30 },
]

const sectionsOf = (buyer: { accessToken: string; queueToken: string }, concertId: string, date: string) =>
  call('GET', `/api/concerts/${concertId}/dates/${date}/sections`, {
    accessToken: buyer.accessToken,
    queueToken: buyer.queueToken,
  })

describe('sections', () => {
  it('are set at creation: seats numbered 1..N in the order given, each priced by its section', async () => {
    const concert = await newConcert({ dates: [{ date: daysFromNow(30) }, { date: daysFromNow(31) }], sections: ARENA })
    expect(concert.sections).toEqual([
      { name: 'VIP', price: 150_000, seats: 10, firstSeat: 1, lastSeat: 10 },
      { name: 'R', price: 120_000, seats: 20, firstSeat: 11, lastSeat: 30 },
      { name: 'S', price: 90_000, seats: 30, firstSeat: 31, lastSeat: 60 },
    ])
    expect(concert.dates.map((d) => d.totalSeats)).toEqual([60, 60])
    const date = concert.dates[0]!.date
    const buyer = await activeBuyer(concert.concertId)
    const seats = await seatMap(buyer, concert.concertId, date)
    expect(seats).toHaveLength(60)
    expect([seats[0], seats[10], seats[59]]).toEqual([
      { seatNumber: 1, status: 'AVAILABLE', price: 150_000, section: 'VIP' },
      { seatNumber: 11, status: 'AVAILABLE', price: 120_000, section: 'R' },
      { seatNumber: 60, status: 'AVAILABLE', price: 90_000, section: 'S' },
    ])
    const catalog = await call('GET', '/api/concerts')
    expect(catalog.body.concerts).toContainEqual(
      expect.objectContaining({ concertId: concert.concertId, seatsPerDate: 60 }),
    )
  })

  it('a seat map per section, a section summary, and counts across sections in dates, status and stats', async () => {
    const { concertId, dates } = await newConcert({
      dates: [{ date: daysFromNow(30) }, { date: daysFromNow(31) }],
      sections: ARENA,
      queuePolicy: { maxActiveUsers: 1 },
    })
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const r = await seatMap(buyer, concertId, date, 'R')
    expect(r.map((s) => s.seatNumber)).toEqual(Array.from({ length: 20 }, (_, i) => 11 + i))
    expect(new Set(r.map((s) => `${s.section} ${s.price}`))).toEqual(new Set(['R 120000']))

    const held = await holdOrder(buyer, concertId, date, [11, 12, 31])
    expect(held.status, JSON.stringify(held.body)).toBe(201)
    const summary = await sectionsOf(buyer, concertId, date)
    expect(summary.status).toBe(200)
    expect(summary.body).toEqual({
      sections: [
        { name: 'VIP', price: 150_000, totalSeats: 10, availableSeats: 10 },
        { name: 'R', price: 120_000, totalSeats: 20, availableSeats: 18 },
        { name: 'S', price: 90_000, totalSeats: 30, availableSeats: 29 },
      ],
    })
    expect(
      (await seatMap(buyer, concertId, date, 'R')).filter((s) => s.status === 'HELD').map((s) => s.seatNumber),
    ).toEqual([11, 12])

    const listed = await call('GET', `/api/concerts/${concertId}/dates`)
    expect(
      listed.body.dates.map((d: { availableSeats: number; totalSeats: number }) => [d.availableSeats, d.totalSeats]),
    ).toEqual([
      [57, 60],
      [60, 60],
    ])
    const waiter = await enterQueue(await newUser(), concertId)
    expect(waiter).toMatchObject({ status: 'WAITING', seatsLeft: 117 })
    const stats = await call('GET', `/api/admin/concerts/${concertId}/queue`, { accessToken: ADMIN_TOKEN })
    expect(stats.body).toMatchObject({ holds: 3, sold: 0, seatsLeft: 117 })
  })

  it('a concert without sections has one, "General", at the date\'s price', async () => {
    const { concertId, dates } = await newConcert({
      seatsPerDate: 8,
      dates: [{ date: daysFromNow(20), price: 55_000 }],
    })
    const buyer = await activeBuyer(concertId)
    expect((await sectionsOf(buyer, concertId, dates[0]!.date)).body).toEqual({
      sections: [{ name: 'General', price: 55_000, totalSeats: 8, availableSeats: 8 }],
    })
    expect(await seatMap(buyer, concertId, dates[0]!.date, 'General')).toHaveLength(8)
  })

  it('need an ACTIVE token like the seat map; an unknown section or date is 404', async () => {
    const { concertId, dates } = await newConcert({
      sections: ARENA,
      dates: [{ date: daysFromNow(30) }],
      queuePolicy: { maxActiveUsers: 1 },
    })
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const waiter = await newUser()
    const waiting = await enterQueue(waiter, concertId)
    expectError(await sectionsOf({ ...waiter, queueToken: waiting.token }, concertId, date), 403, 'QUEUE_NOT_ACTIVE')
    expectError(
      await call('GET', `/api/concerts/${concertId}/dates/${date}/sections`, { accessToken: buyer.accessToken }),
      401,
      'QUEUE_TOKEN_INVALID',
    )
    expectError(await sectionsOf(buyer, concertId, daysFromNow(99)), 404, 'DATE_NOT_FOUND')
    const unknown = await call('GET', `/api/concerts/${concertId}/dates/${date}/seats?section=Balcony`, {
      accessToken: buyer.accessToken,
      queueToken: buyer.queueToken,
    })
    expectError(unknown, 404, 'SECTION_NOT_FOUND')
    const empty = await call('GET', `/api/concerts/${concertId}/dates/${date}/seats?section=`, {
      accessToken: buyer.accessToken,
      queueToken: buyer.queueToken,
    })
    expectError(empty, 400, 'VALIDATION_FAILED')
  })

  it('a date of 50,000 seats: made at creation, its last seat held, the whole map and one section read', async () => {
    const sections = [
      { name: 'VIP', price: 200_000, seats: 1_000 },
      { name: 'R', price: 150_000, seats: 9_000 },
      { name: 'S', price: 110_000, seats: 40_000 },
    ]
    const { concertId, dates } = await newConcert({ dates: [{ date: daysFromNow(40) }], sections })
    const date = dates[0]!.date
    const buyer = await activeBuyer(concertId)
    const held = await holdOrder(buyer, concertId, date, [49_999, 50_000])
    expect(held.body).toMatchObject({ seatNumber: 49_999, price: 220_000, seats: [{ section: 'S' }, { section: 'S' }] })
    expect(await seatMap(buyer, concertId, date, 'VIP')).toHaveLength(1_000)
    const all = await seatMap(buyer, concertId, date)
    expect(all).toHaveLength(50_000)
    expect(all.filter((s) => s.status !== 'AVAILABLE').map((s) => s.seatNumber)).toEqual([49_999, 50_000])
    expectError(await hold(buyer, concertId, date, 50_001), 400, 'VALIDATION_FAILED')
  })
})

describe('bad input for sections and the refund policy gets 400 and creates nothing', () => {
  const create = (body: Record<string, unknown>) =>
    call('POST', '/api/admin/concerts', {
      accessToken: ADMIN_TOKEN,
      body: { title: 't', dates: [{ date: daysFromNow(30) }], ...body },
    })
  const section = (over: Record<string, unknown> = {}) => ({ name: 'VIP', price: 100_000, seats: 10, ...over })

  it.each([
    ['sections and seatsPerDate together', { sections: [section()], seatsPerDate: 10 }, 'seatsPerDate'],
    ['no sections and no date price', {}, 'dates.0.price'],
    ['an empty section list', { sections: [] }, 'sections'],
    ['two sections of one name', { sections: [section(), section({ price: 5 })] }, 'sections'],
    [
      'over 50,000 seats over the sections',
      { sections: [section({ seats: 30_000 }), section({ name: 'R', seats: 20_001 })] },
      'sections',
    ],
    ['a section of 0 seats', { sections: [section({ seats: 0 })] }, 'sections.0.seats'],
    ['a section of 50,001 seats', { sections: [section({ seats: 50_001 })] }, 'sections.0.seats'],
    ['a price of 0', { sections: [section({ price: 0 })] }, 'sections.0.price'],
    ['a price as a string', { sections: [section({ price: '100' })] }, 'sections.0.price'],
    ['a blank name', { sections: [section({ name: '  ' })] }, 'sections.0.name'],
    ['a name of 41 characters', { sections: [section({ name: 'x'.repeat(41) })] }, 'sections.0.name'],
    ['an unknown section field', { sections: [section({ rows: 3 })] }, 'sections.0'],
    [
      'a refund policy with no rule',
      { seatsPerDate: 5, dates: [{ date: daysFromNow(30), price: 1 }], refundPolicy: [] },
      'refundPolicy',
    ],
    [
      'a fee over 100%',
      {
        seatsPerDate: 5,
        dates: [{ date: daysFromNow(30), price: 1 }],
        refundPolicy: [{ fromDaysBefore: 3, feePercent: 101 }],
      },
      'refundPolicy.0.feePercent',
    ],
    [
      'negative days',
      {
        seatsPerDate: 5,
        dates: [{ date: daysFromNow(30), price: 1 }],
        refundPolicy: [{ fromDaysBefore: -1, feePercent: 0 }],
      },
      'refundPolicy.0.fromDaysBefore',
    ],
    [
      'a fractional fee',
      {
        seatsPerDate: 5,
        dates: [{ date: daysFromNow(30), price: 1 }],
        refundPolicy: [{ fromDaysBefore: 3, feePercent: 2.5 }],
      },
      'refundPolicy.0.feePercent',
    ],
    [
      'maxSeatsPerOrder of 0',
      { seatsPerDate: 5, dates: [{ date: daysFromNow(30), price: 1 }], queuePolicy: { maxSeatsPerOrder: 0 } },
      'queuePolicy.maxSeatsPerOrder',
    ],
    [
      'maxSeatsPerOrder of 21',
      { seatsPerDate: 5, dates: [{ date: daysFromNow(30), price: 1 }], queuePolicy: { maxSeatsPerOrder: 21 } },
      'queuePolicy.maxSeatsPerOrder',
    ],
    [
      'maxTicketsPerUser of 0',
      { seatsPerDate: 5, dates: [{ date: daysFromNow(30), price: 1 }], queuePolicy: { maxTicketsPerUser: 0 } },
      'queuePolicy.maxTicketsPerUser',
    ],
  ])('%s', async (_, body, field) => {
    const before = await call('GET', '/api/concerts')
    const reply = await create(body)
    expectError(reply, 400, 'VALIDATION_FAILED')
    expect(reply.body.error.message).toContain(`${field}:`)
    expect((await call('GET', '/api/concerts')).body.concerts).toHaveLength(before.body.concerts.length)
  })

  it('a policy change of the new fields is validated the same way and changes nothing', async () => {
    const { concertId } = await newConcert()
    const before = await stateOf(concertId)
    const put = (body: unknown) =>
      call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, { accessToken: ADMIN_TOKEN, body })
    expectError(await put({ maxTicketsPerUser: 101 }), 400, 'VALIDATION_FAILED')
    expectError(await put({ maxSeatsPerOrder: 'four' }), 400, 'VALIDATION_FAILED')
    expect(await stateOf(concertId)).toEqual(before)
    expect((await put({ maxSeatsPerOrder: 6, maxTicketsPerUser: 8 })).body).toMatchObject({
      maxSeatsPerOrder: 6,
      maxTicketsPerUser: 8,
    })
  })
})
