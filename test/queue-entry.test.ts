import { describe, expect, it } from 'vitest'
import type { QueueEntryView } from '../src/concert/rpc'
import { EntryBatcher } from '../src/concert-client/entry-batcher'
import { ok, type Result } from '../src/errors'
import { newConcert, sleep, stubOf } from './helpers'

/**
 * A concert object stand-in: each call waits until the test answers or fails it, except the
 * calls from number `answerFrom` on, answered at once.
 */
function controlledObject(answerFrom = Number.POSITIVE_INFINITY) {
  const calls: Array<{ userIds: string[]; answer: () => void; fail: (err: Error) => void }> = []
  const send = (userIds: string[]) =>
    new Promise<Array<Result<QueueEntryView>>>((resolve, reject) => {
      const answer = () => resolve(userIds.map((userId, i) => ok({ created: true, arrival: i + 1, status: { userId } as QueueEntryView['status'] })))
      calls.push({ userIds, answer, fail: reject })
      if (calls.length > answerFrom) answer()
    })
  return { calls, send }
}

const keepAlive = () => {}
const userOf = (result: Result<QueueEntryView>) => (result.ok ? result.value.status.userId : null)
const sent = (object: ReturnType<typeof controlledObject>) => object.calls.map((c) => c.userIds)

describe('EntryBatcher: queue entries of one isolate sent in batches', () => {
  it('the first entry goes at once; those arriving while it is out go together in the next call, each answered with its own result', async () => {
    const object = controlledObject()
    const batcher = new EntryBatcher(object.send)
    const first = batcher.enter('a', keepAlive)
    const rest = ['b', 'c', 'd'].map((u) => batcher.enter(u, keepAlive))
    await sleep(5)
    expect(sent(object)).toEqual([['a']])
    object.calls[0]!.answer()
    expect(userOf(await first)).toBe('a')
    await sleep(5)
    expect(sent(object)).toEqual([['a'], ['b', 'c', 'd']])
    object.calls[1]!.answer()
    expect((await Promise.all(rest)).map(userOf)).toEqual(['b', 'c', 'd'])
    expect(batcher.idle).toBe(true)
  })

  it('sends at most maxBatch entries a call', async () => {
    const object = controlledObject(0)
    const batcher = new EntryBatcher(object.send, { maxBatch: 2 })
    const entries = ['a', 'b', 'c', 'd', 'e'].map((u) => batcher.enter(u, keepAlive))
    expect((await Promise.all(entries)).map(userOf)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(sent(object)).toEqual([['a'], ['b', 'c'], ['d', 'e']])
  })

  it('a call that fails fails each entry it carried, and the entries after it are still sent', async () => {
    const object = controlledObject()
    const batcher = new EntryBatcher(object.send)
    const first = batcher.enter('a', keepAlive)
    const carried = [batcher.enter('b', keepAlive), batcher.enter('c', keepAlive)]
    await sleep(5)
    object.calls[0]!.answer()
    await first
    await sleep(5)
    expect(sent(object)).toEqual([['a'], ['b', 'c']])
    const after = batcher.enter('d', keepAlive)
    object.calls[1]!.fail(new Error('object overloaded'))
    // Both at once: awaiting one, then the other, leaves the second rejection unhandled for a moment.
    await Promise.all(carried.map((entry) => expect(entry).rejects.toThrow('object overloaded')))
    await sleep(5)
    object.calls[2]!.answer()
    expect(userOf(await after)).toBe('d')
    expect(sent(object)).toEqual([['a'], ['b', 'c'], ['d']])
  })

  it('a call never answered is taken as lost after lostAfterMs: the other entries it carried are sent again', async () => {
    // Call 0 is answered by hand; call 1 never is, as when the request that sent it ended.
    const object = controlledObject(2)
    const batcher = new EntryBatcher(object.send, { lostAfterMs: 50 })
    const first = batcher.enter('a', keepAlive)
    const carried = [batcher.enter('b', keepAlive), batcher.enter('c', keepAlive)]
    await sleep(5)
    object.calls[0]!.answer()
    await first
    // Whichever of b and c sent call 1 waits on it; the other sends itself again.
    const resent = await Promise.race(carried)
    expect(sent(object).slice(0, 2)).toEqual([['a'], ['b', 'c']])
    expect(sent(object)[2]).toEqual([userOf(resent)])
    // A newcomer is not held up by the lost call either.
    expect(userOf(await batcher.enter('d', keepAlive))).toBe('d')
  })

  it('hands each call to keepAlive, so that it outlives the request that made it', async () => {
    const object = controlledObject(0)
    const kept: Array<Promise<unknown>> = []
    const batcher = new EntryBatcher(object.send)
    await batcher.enter('a', (p) => kept.push(p))
    expect(kept).toHaveLength(1)
  })
})

describe('ConcertObject.enterAll', () => {
  it('places a batch in its order; a repeat in the batch or a user already in line keeps the one place', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const stub = stubOf(concertId)
    const summary = (results: Array<Result<QueueEntryView>>) => results.map((r) => (r.ok ? [r.value.status.userId, r.value.arrival, r.value.created, r.value.status.position] : r.code))
    expect(summary(await stub.enterAll(['u1', 'u2', 'u1', 'u3']))).toEqual([
      ['u1', 1, true, 0],
      ['u2', 2, true, 1],
      ['u1', 1, false, 0],
      ['u3', 3, true, 2],
    ])
    expect(summary(await stub.enterAll(['u3', 'u4']))).toEqual([
      ['u3', 3, false, 2],
      ['u4', 4, true, 3],
    ])
    const unknown = stubOf(crypto.randomUUID())
    expect(summary(await unknown.enterAll(['u1', 'u2']))).toEqual(['CONCERT_NOT_FOUND', 'CONCERT_NOT_FOUND'])
  })
})
