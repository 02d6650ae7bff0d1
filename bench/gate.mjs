// @ts-check
// The gate's workloads for bench/run.mjs (`npm run bench -- --quick --only gate`): a concert's
// tickets bought through the API (orders of 20 seats), then
//   ticketCode: GET /api/users/me/tickets/{id}/code, one per ticket by its holder (a JWS signed
//     with Ed25519 in the Worker; D1 read for the ticket): its p99 is what a phone at the door waits;
//   checkIn: POST /api/concerts/{id}/check-ins of every ticket once, by 20 scanners at once
//     (signature and expiry checked in the Worker, the decision in the concert object): check-ins/s.

const SCANNERS = 20
const SEATS_PER_ORDER = 20

/** @param {ReturnType<typeof import('./client.mjs').benchClient>} bench @param {(policy: object, dates: number, sections: object[]) => Promise<string>} createConcert @param {{ quick: boolean, connections: number, adminToken: string }} options */
export async function gateWorkloads(bench, createConcert, { quick, connections, adminToken }) {
  const { json, load } = bench
  const ticketCount = quick ? 2_000 : 8_000
  const concertId = await createConcert(
    { maxActiveUsers: 10_000, maxSeatsPerOrder: SEATS_PER_ORDER, maxTicketsPerUser: SEATS_PER_ORDER },
    1,
    [{ name: 'Floor', price: 1_000, seats: ticketCount }],
  )
  const date = (await json('GET', `/api/concerts/${concertId}/dates`)).dates[0].date
  /** @type {Array<{ ticketId: string, auth: Record<string, string> }>} */
  const tickets = []
  const orders = ticketCount / SEATS_PER_ORDER
  for (let i = 0; i < orders; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, orders - i) }, async (_, j) => {
        const { accessToken } = await json('POST', '/api/users', {})
        const auth = { authorization: `Bearer ${accessToken}` }
        await json('POST', '/api/users/me/balance/charges', { amount: 1_000 * SEATS_PER_ORDER }, auth)
        const place = await json('POST', `/api/concerts/${concertId}/queue/tokens`, undefined, auth)
        const queue = { ...auth, 'x-queue-token': place.token }
        const first = 1 + (i + j) * SEATS_PER_ORDER
        const seatNumbers = Array.from({ length: SEATS_PER_ORDER }, (_, k) => first + k)
        const held = await json('POST', `/api/concerts/${concertId}/reservations`, { date, seatNumbers }, queue)
        await json('POST', '/api/payments', { reservationId: held.reservationId }, queue)
        const { tickets: mine } = await json('GET', '/api/users/me/tickets', undefined, auth)
        return mine.map((/** @type {{ ticketId: string }} */ t) => ({ ticketId: t.ticketId, auth }))
      }),
    )
    tickets.push(...batch.flat())
  }
  const ticketCode = await load({
    kind: 'http',
    connections,
    amount: tickets.length,
    requests: tickets.map((t) => ({
      method: 'GET',
      path: `/api/users/me/tickets/${t.ticketId}/code`,
      headers: t.auth,
    })),
  })
  // The codes to present, fetched again outside the measure (the load generator keeps no bodies): each lives 30 s.
  const codes = []
  for (let i = 0; i < tickets.length; i += 100)
    codes.push(
      ...(await Promise.all(
        tickets
          .slice(i, i + 100)
          .map(async (t) => (await json('GET', `/api/users/me/tickets/${t.ticketId}/code`, undefined, t.auth)).code),
      )),
    )
  const admin = { authorization: `Bearer ${adminToken}` }
  const scanners = await Promise.all(
    Array.from({ length: SCANNERS }, (_, i) =>
      json('POST', `/api/admin/concerts/${concertId}/scanners`, { name: `lane ${i}` }, admin),
    ),
  )
  const checkIn = await load({
    kind: 'http',
    connections: SCANNERS,
    amount: codes.length,
    requests: codes.map((code, i) => ({
      method: 'POST',
      path: `/api/concerts/${concertId}/check-ins`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${scanners[i % SCANNERS].token}` },
      body: JSON.stringify({ code }),
    })),
  })
  return { concertId, ticketCode, checkIn }
}
