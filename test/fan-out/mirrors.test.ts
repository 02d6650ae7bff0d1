import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { regionOf } from '../../src/concert-client/mirrors'
import { sharedLineView } from '../../src/concert-client/shared-views'
import type { LineView } from '../../src/shared/line-view'
import { HeldLine } from '../../src/shared/held-line'
import { MIRROR_LINE_MAX_AGE_MS } from '../../src/mirror/mirror'
import { SHARED_MAP_MAX_AGE_MS } from '../../src/shared/seat-map'
import { ADMIN_TOKEN, call, newConcert, sleep, stubOf } from '../helpers'

const mirrorOf = (concertId: string) => env.MIRROR.get(env.MIRROR.idFromName(`${concertId}/test`))
const viewOf = async (concertId: string, have?: LineView) => {
  const view = await mirrorOf(concertId).mirroredLine(
    concertId,
    [],
    have && { epoch: have.epoch, version: have.version },
  )
  if (!view.ok) throw new Error(view.code)
  return view.value
}

/** Every arrival's status as the concert object answers it, and as a view describes it. */
async function expectSameStatuses(concertId: string, view: HeldLine, arrivals: number) {
  const now = Date.now()
  for (let arrival = 1; arrival <= arrivals; arrival++) {
    const place = { arrival, userId: `u${arrival}` }
    const exact = await stubOf(concertId).status(place)
    const described = view.describe(place, now)
    if (!exact.ok) expect(described, `arrival ${arrival}`).toBe('gone')
    else
      expect(typeof described === 'object' && { ...described, estimatedWaitSeconds: 0 }, `arrival ${arrival}`).toEqual({
        ...exact.value.status,
        estimatedWaitSeconds: 0,
      })
  }
}

describe('mirrors (src/mirror/)', () => {
  it('400 reads at once cost the concert object one call per half a max age; the views agree with the object', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 2, idleTimeoutSeconds: 3_600 } })
    await stubOf(concertId).enterAll(Array.from({ length: 40 }, (_, i) => `u${i + 1}`))
    const before = await mirrorOf(concertId).objectCalls()
    const started = Date.now()
    const views = await Promise.all(Array.from({ length: 400 }, () => viewOf(concertId)))
    // One load, and past half its age one refresh at a time while the reads are still coming.
    const refreshes = Math.floor((Date.now() - started) / (MIRROR_LINE_MAX_AGE_MS / 2))
    expect((await mirrorOf(concertId).objectCalls()) - before).toBeLessThanOrEqual(1 + refreshes)
    expect(new Set(views.map((v) => v.version)).size).toBe(1)
    await expectSameStatuses(concertId, HeldLine.of(views[0]!), 40)
  })

  it('a view kept by the changes a mirror hands on agrees with the object, change after change', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 3_600 } })
    await stubOf(concertId).enterAll(Array.from({ length: 30 }, (_, i) => `u${i + 1}`))
    const first = await viewOf(concertId)
    let held = HeldLine.of(first)
    let last: LineView = first
    for (const maxActiveUsers of [4, 9, 15]) {
      const updated = await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
        accessToken: ADMIN_TOKEN,
        body: { maxActiveUsers },
      })
      expect(updated.status).toBe(200)
      await sleep(MIRROR_LINE_MAX_AGE_MS + 20)
      // The first read past the age is answered by a load, the change since the version held.
      const change = await viewOf(concertId, last)
      expect(change).toMatchObject({
        kind: 'change',
        since: last.version,
        version: last.version + (maxActiveUsers - (held.policy.maxActiveUsers ?? 0)),
      })
      held = HeldLine.after(held, change)!
      last = change
      await expectSameStatuses(concertId, held, 30)
    }
  })

  it('an asker ahead of the mirror (it read the object after a change of its own) makes the mirror catch up', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 3_600 } })
    await stubOf(concertId).enterAll(['u1', 'u2', 'u3', 'u4'])
    const mirrored = await viewOf(concertId)
    await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, {
      accessToken: ADMIN_TOKEN,
      body: { maxActiveUsers: 3 },
    })
    const exact = await stubOf(concertId).queueView([], { epoch: mirrored.epoch, version: mirrored.version })
    if (!exact.ok) throw new Error(exact.code)
    expect(exact.value.version).toBe(mirrored.version + 2)
    const calls = await mirrorOf(concertId).objectCalls()
    // Well within the mirror's age: only being behind makes it load.
    const answer = await viewOf(concertId, exact.value)
    expect(await mirrorOf(concertId).objectCalls()).toBe(calls + 1)
    expect(answer).toMatchObject({ kind: 'change', since: exact.value.version, left: [] })
  })

  it('seat maps for mirrors are built at most once per 250 ms, however many ask; an exact read shows a hold at once', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 5 } })
    const date = dates[0]!.date
    const stub = stubOf(concertId)
    const statusOf = (map: { sections: Array<{ states: string }> }) => map.sections[0]!.states[0]
    const before = await stub.sharedSeats(date)
    if (!before.ok) throw new Error(before.code)
    const [holder] = await stub.enterAll(['holder'])
    if (!holder!.ok) throw new Error(holder!.code)
    expect((await stub.hold({ arrival: holder!.value.arrival, userId: 'holder' }, date, [1])).ok).toBe(true)
    const exact = await stub.seats(date)
    const shared = await stub.sharedSeats(date)
    if (!exact.ok || !shared.ok) throw new Error('no map')
    expect([statusOf(before.value), statusOf(shared.value), statusOf(exact.value)]).toEqual(['A', 'A', 'H'])
    await sleep(SHARED_MAP_MAX_AGE_MS + 20)
    const later = await stub.sharedSeats(date)
    expect(later.ok && statusOf(later.value)).toBe('H')
  })

  it('a mirror passes on a failure (no such concert) and keeps none of it', async () => {
    const concertId = crypto.randomUUID()
    const refused = await mirrorOf(concertId).mirroredLine(concertId, [])
    expect(refused).toMatchObject({ ok: false, code: 'CONCERT_NOT_FOUND' })
    expect(await mirrorOf(concertId).mirroredSale(concertId)).toMatchObject({ ok: false, code: 'CONCERT_NOT_FOUND' })
  })
})

describe('line views shared in a location (the Cache API)', () => {
  it('isolates asking from the same version in the same slot share one fetch; another version fetches its own', async () => {
    const { concertId } = await newConcert()
    const view = await viewOf(concertId)
    let fetches = 0
    const fetch = async () => {
      fetches++
      return view
    }
    // Just after a slot begins, so the three asks fall in one.
    await sleep(250 - (Date.now() % 250))
    const answers = [
      await sharedLineView(concertId, undefined, fetch),
      await sharedLineView(concertId, undefined, fetch),
      await sharedLineView(concertId, { epoch: view.epoch, version: 7 }, fetch),
    ]
    expect(fetches).toBe(2)
    expect(answers[1]).toEqual(view)
    expect(HeldLine.of(answers[1]!).version).toEqual({ epoch: view.epoch, version: view.version })
  })
})

describe('regionOf', () => {
  it('places a mirror in the region the request came from', () => {
    expect(regionOf({ continent: 'AS', longitude: '126.98' })).toBe('apac')
    expect(regionOf({ continent: 'AS', longitude: '46.7' })).toBe('me')
    expect(regionOf({ continent: 'NA', longitude: '-122.4' })).toBe('wnam')
    expect(regionOf({ continent: 'NA', longitude: '-74.0' })).toBe('enam')
    expect(regionOf({ continent: 'EU', longitude: '2.35' })).toBe('weur')
    expect(regionOf({ continent: 'EU', longitude: '37.6' })).toBe('eeur')
    expect(regionOf({ continent: 'SA' })).toBe('sam')
    expect(regionOf({ continent: 'OC' })).toBe('oc')
    expect(regionOf({ continent: 'AF' })).toBe('afr')
    expect(regionOf(undefined)).toBe('apac')
  })
})
