import { env, runInDurableObject } from 'cloudflare:test'
import type { RelayStub } from '../../src/concert/fan-out/relays'
import { describe, expect, it } from 'vitest'
import { PUSH_INTERVAL_MS } from '../../src/shared/coalesced-push'
import { relayName } from '../../src/concert-client/relay-names'
import {
  activeBuyer,
  ADMIN_TOKEN,
  call,
  enterQueue,
  expectError,
  newConcert,
  newUser,
  openSocket,
  sleep,
} from '../helpers'

// vitest.config.ts sets SOCKETS_PER_RELAY to 50 and RELAY_TREE_WIDTH to 2: the tests' sockets
// spread over many relays, most of which hear of a change from another relay.
const PER_RELAY = Number(env.SOCKETS_PER_RELAY)
const TREE_WIDTH = Number(env.RELAY_TREE_WIDTH)

/** Records the relays the concert object itself calls, and what each was asked to pass on. */
async function recordObjectPushes(concertId: string) {
  const pushes: { carrier: string; also: string[] }[] = []
  await runInDurableObject(env.CONCERT.get(env.CONCERT.idFromName(concertId)), (instance) => {
    const relays = (instance as unknown as { room: { relays: { relay: (name: string) => RelayStub } } }).room.relays
    const relay = relays.relay
    relays.relay = (name) => {
      const stub = relay(name)
      return { update: (view, also) => (pushes.push({ carrier: name, also }), stub.update(view, also)) }
    }
  })
  return pushes
}

const setPolicy = (concertId: string, body: object) =>
  call('PUT', `/api/admin/concerts/${concertId}/queue-policy`, { accessToken: ADMIN_TOKEN, body })
const admitOneMore = (concertId: string, maxActiveUsers: number) => setPolicy(concertId, { maxActiveUsers })

/** `count` users in line, each with a socket told its first status. */
async function waitingWithSockets(concertId: string, count: number) {
  const entries = []
  for (let i = 0; i < count; i += 50) {
    entries.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, async () => enterQueue(await newUser(), concertId)),
      )),
    )
  }
  // In line order; one buyer is ACTIVE at arrival 1, so position p is arrival p + 1.
  entries.sort((a, b) => a.position - b.position)
  const sockets = []
  for (let i = 0; i < entries.length; i += 100) {
    sockets.push(...(await Promise.all(entries.slice(i, i + 100).map((e) => openSocket(concertId, e.token)))))
  }
  await Promise.all(sockets.map((s) => s.received(1, 20_000)))
  return { entries, sockets }
}

/** Records each time a relay fetches the line from the object itself (its presence reports among them). */
async function recordRelayPulls(relay: string) {
  const pulls: number[] = []
  await runInDurableObject(env.RELAY.get(env.RELAY.idFromName(relay)), (instance) => {
    const relayed = instance as unknown as { pull: () => Promise<void> }
    const pull = relayed.pull.bind(relayed)
    relayed.pull = () => (pulls.push(Date.now()), pull())
  })
  return pulls
}

describe('relays', () => {
  it('one admission reaches each of 1,000 sockets, held by 21 relays of 50, within a second, the object calling 2 of them', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 600 } })
    await activeBuyer(concertId)
    const { entries, sockets } = await waitingWithSockets(concertId, 1_000)
    const pushes = await recordObjectPushes(concertId)
    expect(
      new Set(entries.map((e) => relayName(concertId, { arrival: e.position + 1, userId: '' }, PER_RELAY))).size,
    ).toBe(21)
    sockets.forEach((s, i) => expect(s.messages[0]).toMatchObject({ status: 'WAITING', position: i + 1 }))

    await sleep(PUSH_INTERVAL_MS + 100) // the next change goes out at once
    const admitted = Date.now()
    expect((await admitOneMore(concertId, 2)).status).toBe(200)
    await Promise.all(sockets.map((s) => s.received(2, 5_000)))
    const reachedAllMs = Date.now() - admitted
    expect(sockets[0]!.messages[1]).toMatchObject({ status: 'ACTIVE' })
    sockets.slice(1).forEach((s, i) => expect(s.messages[1]).toMatchObject({ status: 'WAITING', position: i + 1 }))
    expect(reachedAllMs).toBeLessThan(1_000)
    console.log(`one admission reached 1,000 sockets on 21 relays in ${reachedAllMs} ms`)
    // One change, one version: the object called TREE_WIDTH relays, which passed it on to the other 19.
    expect(pushes).toHaveLength(TREE_WIDTH)
    expect(new Set(pushes.flatMap((p) => [p.carrier, ...p.also])).size).toBe(21)
  }, 180_000)

  it('a relay restarted under its sockets loses no client for good: they reconnect, are told, and hear the next change', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 600 } })
    await activeBuyer(concertId)
    const { entries, sockets } = await waitingWithSockets(concertId, 120)
    // Arrivals 2..121: the relay of arrivals 50..99 is restarted.
    const restarted = relayName(concertId, { arrival: 60, userId: '' }, PER_RELAY)
    const stub = env.RELAY.get(env.RELAY.idFromName(restarted))
    await runInDurableObject(stub, (_, state) => {
      try {
        state.abort('restarted by the test')
      } catch {
        // abort() throws in the caller by design.
      }
    }).catch(() => {})
    const cut = entries
      .map((e, i) => ({ e, s: sockets[i]! }))
      .filter(({ e }) => relayName(concertId, { arrival: e.position + 1, userId: '' }, PER_RELAY) === restarted)
    expect(cut).toHaveLength(PER_RELAY)
    await Promise.all(cut.map(({ s }) => s.closed))

    // Clients reconnect, as the page does, and are told their place at once.
    const again = await Promise.all(cut.map(({ e }) => openSocket(concertId, e.token)))
    await Promise.all(again.map((s) => s.received(1, 10_000)))
    again.forEach((s, i) =>
      expect(s.messages[0]).toMatchObject({ status: 'WAITING', position: entries.indexOf(cut[i]!.e) + 1 }),
    )

    // The next change reaches every socket: the restarted relay asks for the whole line it lost.
    const following = sockets.map((s) => (cut.some((c) => c.s === s) ? again[cut.findIndex((c) => c.s === s)]! : s))
    const counts = following.map((s) => s.messages.length)
    await sleep(PUSH_INTERVAL_MS + 100)
    expect((await admitOneMore(concertId, 2)).status).toBe(200)
    await Promise.all(following.map((s, i) => s.received(counts[i]! + 1, 5_000)))
    following.forEach((s, i) =>
      expect(s.messages.at(-1)).toMatchObject(i === 0 ? { status: 'ACTIVE' } : { status: 'WAITING', position: i }),
    )
  }, 120_000)

  it('a relay holds at most SOCKETS_PER_RELAY listeners: past it, 429 OVERLOADED in the error body', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 600 } })
    await activeBuyer(concertId)
    const { token } = await enterQueue(await newUser(), concertId)
    const held = []
    // One place, many tabs: the relay's bound is on listeners, not places.
    for (let i = 0; i < PER_RELAY; i++) held.push(await openSocket(concertId, token))
    const refused = await call('GET', `/api/concerts/${concertId}/queue/ws?token=${encodeURIComponent(token)}`, {
      headers: { upgrade: 'websocket' },
    })
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ error: { code: 'OVERLOADED' } })
    expect(refused.headers.get('retry-after')).toBe('1')
    held[0]!.ws.close()
    await sleep(100)
    const next = await openSocket(concertId, token)
    await next.received(1)
    expect(next.messages[0]).toMatchObject({ status: 'WAITING', position: 1 })
  })

  it('a relay pushed changes every second reports its listeners as seen in its answers, with no presence call of its own', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1, idleTimeoutSeconds: 6 } })
    await activeBuyer(concertId)
    const silent = await enterQueue(await newUser(), concertId)
    const listened = await enterQueue(await newUser(), concertId)
    const socket = await openSocket(concertId, listened.token)
    await socket.received(1)
    const pulls = await recordRelayPulls(relayName(concertId, { arrival: 3, userId: '' }, PER_RELAY))

    // Entries every half second: the line changes, so the object pushes to the relay every second.
    for (const until = Date.now() + 9_000; Date.now() < until; await sleep(500))
      await enterQueue(await newUser(), concertId)

    // Without answers carrying presence the relay would have fetched the line every 2 s (a third of the idle timeout).
    expect(pulls.length).toBeLessThanOrEqual(1)
    const status = (token: string) => call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: token })
    expectError(await status(silent.token), 401, 'QUEUE_TOKEN_INVALID')
    expect((await status(listened.token)).body).toMatchObject({ status: 'WAITING', position: 1 })
  }, 30_000)
})
