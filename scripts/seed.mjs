// @ts-check
// The demo concert, created through the admin API like any operator would, only when no
// demo concert with a bookable date exists yet: restarting `npm start` never duplicates it.
export const DEMO_TITLE = 'Demo: Seoul Winter Concert'

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

export async function seedDemoConcert(base, adminToken) {
  const { concerts } = await (await fetch(`${base}/api/concerts`)).json()
  for (const concert of concerts.filter((c) => c.title === DEMO_TITLE)) {
    const { dates } = await (await fetch(`${base}/api/concerts/${concert.concertId}/dates`)).json()
    if (dates?.length > 0) return { created: false, concertId: concert.concertId }
  }
  const res = await fetch(`${base}/api/admin/concerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      title: DEMO_TITLE,
      venue: 'KSPO Dome, Seoul',
      seatsPerDate: 50,
      dates: [7, 14, 21, 28].map((offset, i) => ({ date: day(offset), price: 99_000 + i * 22_000 })),
      // A small counter so that a second browser or client sees the waiting queue at work.
      queuePolicy: { maxActiveUsers: 2, activeTtlSeconds: 600, holdTtlSeconds: 300 },
    }),
  })
  if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`)
  return { created: true, concertId: (await res.json()).concertId }
}
