import { describe, expect, it } from 'vitest'
import type { QueueEntryView } from '../../src/shared/rpc'
import type { Result } from '../../src/errors'
import { newConcert, stubOf } from '../helpers'

describe('ConcertObject.enterAll', () => {
  it('places a batch in its order; a repeat in the batch or a user already in line keeps the one place', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const stub = stubOf(concertId)
    const summary = (results: Array<Result<QueueEntryView>>) =>
      results.map((r) =>
        r.ok ? [r.value.status.userId, r.value.arrival, r.value.created, r.value.status.position] : r.code,
      )
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
