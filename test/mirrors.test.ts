import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { regionOf } from '../src/concert-client/mirrors'
import { sharedLineView } from '../src/concert-client/shared-views'
import type { LineView } from '../src/concert/line-view'
import { QueueView } from '../src/concert/line-status'
import { MIRROR_LINE_MAX_AGE_MS } from '../src/mirror/mirror'
import { ADMIN_TOKEN, call, newConcert, sleep, stubOf } from './helpers'

const mirrorOf = (concertId: string) => env.MIRROR.get(env.MIRROR.idFromName(`${concertId}/test`))
const viewOf = async (concertId: string, have?: LineView) => {
  const view = await mirrorOf(concertId).mirroredLine(concertId, [], have && { epoch: have.epoch, version: have.version })
  if (!view.ok) throw new Error(view.code)
  return view.value
}

/** Every arrival's status as the concert object answers it, and as a view describes it. */
async function expectSameStatuses(concertId: string, view: QueueView, arrivals: number) {
  const now = Date.now()
  for (let arrival = 1; arrival <= arrivals; arrival++) {
    const place = { arrival, userId: `u${arrival}` }
    const exact = await stubOf(concertId).status(place)
    const described = view.describe(place, now)
    if (!exact.ok) expect(described, `arrival ${arrival}`).toBe('gone')
    else expect(typeof described === 'object' && { ...described, estimatedWaitSeconds: 0 }, `arrival ${arrival}`).toEqual({ ...exact.value.status, estimatedWaitSeconds: 0 })
  }
}

describe('mirrors (src/mirror/)', () => {
  it('400 reads at once cost the concert object one call; the views agree with the object', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 2, idleTimeoutSeconds: 3_600 } })
    await stubOf(concertId).enterAll(Array.from({ length: 40 }, (_, i) => `u${i + 1}`))
    const before = await mirrorOf(concertId).objectCalls()
    const views = await Promise.all(Array.from({ length: 400 }, () => viewOf(concertId)))
    expect((await mirrorOf(concertId).objectCalls()) - before).toBe(1)
    expect(new Set(views.map((v) => v.version)).size).toBe(1)
    await expectSameStatuses(concertId, QueueView.of(views[0]!), 40)
  })

  it('a view kept by the changes a mirror hands on agrees with the object, change after change', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 3_600 } })
    await stubOf(concertId).enterAll(Array.from({ length: 30 }, (_, i) => `u${i + 1}`))
    const first = await viewOf(concertId)
    let held = QueueView.of(first)
    let last: LineView = first
    for (const maxActiveUsers of [4, 9, 15]) {
      const updated = await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, { accessToken: ADMIN_TOKEN, body: { maxActiveUsers } })
      expect(updated.status).toBe(200)
      await sleep(MIRROR_LINE_MAX_AGE_MS + 20)
      // The first read past the age is answered by a load, the change since the version held.
      const change = await viewOf(concertId, last)
      expect(change).toMatchObject({ kind: 'change', since: last.version, version: last.version + (maxActiveUsers - (held.policy.maxActiveUsers ?? 0)) })
      held = QueueView.after(held, change)!
      last = change
      await expectSameStatuses(concertId, held, 30)
    }
  })

  it('an asker ahead of the mirror (it read the object after a change of its own) makes the mirror catch up', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 3_600 } })
    await stubOf(concertId).enterAll(['u1', 'u2', 'u3', 'u4'])
    const mirrored = await viewOf(concertId)
    await call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, { accessToken: ADMIN_TOKEN, body: { maxActiveUsers: 3 } })
    const exact = await stubOf(concertId).queueView([], { epoch: mirrored.epoch, version: mirrored.version })
    if (!exact.ok) throw new Error(exact.code)
    expect(exact.value.version).toBe(mirrored.version + 2)
    const calls = await mirrorOf(concertId).objectCalls()
    // Well within the mirror's age: only being behind makes it load.
    const answer = await viewOf(concertId, exact.value)
    expect(await mirrorOf(concertId).objectCalls()).toBe(calls + 1)
    expect(answer).toMatchObject({ kind: 'change', since: exact.value.version, left: [] })
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
    const answers = [await sharedLineView(concertId, undefined, fetch), await sharedLineView(concertId, undefined, fetch), await sharedLineView(concertId, { epoch: view.epoch, version: 7 }, fetch)]
    expect(fetches).toBe(2)
    expect(answers[1]).toEqual(view)
    expect(QueueView.of(answers[1]!).version).toEqual({ epoch: view.epoch, version: view.version })
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
