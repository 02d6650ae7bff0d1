// @ts-check
// The demo concert, created through the admin API like any operator would, only when no
// demo concert with a bookable date exists yet: restarting `npm start` never duplicates it.
export const DEMO_TITLE = 'Demo: Seoul Winter Concert'

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/**
 * The entry's defences the demo asks for, from the environment (default off): DEMO_VERIFIED=1
 * (requireVerifiedIdentity), DEMO_PROOF_COST=200000 (entryProofCost).
 */
export function demoDefences(env = process.env) {
  return {
    ...(env.DEMO_VERIFIED === '1' ? { requireVerifiedIdentity: true } : {}),
    ...(env.DEMO_PROOF_COST ? { entryProofCost: Number(env.DEMO_PROOF_COST) } : {}),
  }
}

export async function seedDemoConcert(base, adminToken) {
  const defences = demoDefences()
  const { concerts } = await (await fetch(`${base}/api/concerts`)).json()
  for (const concert of concerts.filter((c) => c.title === DEMO_TITLE)) {
    const { dates } = await (await fetch(`${base}/api/concerts/${concert.concertId}/dates`)).json()
    if (!(dates?.length > 0)) continue
    // Already there: the defences asked for now are turned on in its policy (none asked: left as it is).
    if (Object.keys(defences).length > 0) {
      const res = await fetch(`${base}/api/admin/concerts/${concert.concertId}/queue-policy`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify(defences),
      })
      if (res.status !== 200) throw new Error(`the demo's defences: ${res.status} ${await res.text()}`)
    }
    return { created: false, concertId: concert.concertId }
  }
  const res = await fetch(`${base}/api/admin/concerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({
      title: DEMO_TITLE,
      venue: 'KSPO Dome, Seoul',
      dates: [7, 14, 21, 28].map((offset) => ({ date: day(offset) })),
      // An arena in priced sections, numbered 1..3,000 in this order.
      sections: [
        { name: 'VIP', price: 165_000, seats: 200 },
        { name: 'R', price: 132_000, seats: 800 },
        { name: 'S', price: 99_000, seats: 2_000 },
      ],
      // A small counter so that a second browser or client sees the waiting queue at work.
      queuePolicy: { maxActiveUsers: 2, activeTtlSeconds: 600, holdTtlSeconds: 300, ...defences },
    }),
  })
  if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`)
  return { created: true, concertId: (await res.json()).concertId }
}
