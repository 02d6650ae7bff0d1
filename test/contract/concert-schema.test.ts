import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { OrderBook } from '../../src/concert/orders/order-book'
import { migrate, MIGRATIONS, type Migration } from '../../src/concert/runtime/schema'
import { call, enterQueue, expectedOrder, hold, activeBuyer, newConcert, newUser, sleep, stubOf } from '../helpers'

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version
const versionOf = (storage: DurableObjectStorage) =>
  storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schemaVersion'").toArray()[0]?.value ?? null
const tables = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
    )
    .toArray()
    .map((r) => r.name)

/** A step after the last one, as the next issues will add: a column with a default and a table. */
const nextStep: Migration = {
  version: LATEST + 1,
  sql: "ALTER TABLE queue ADD COLUMN source TEXT NOT NULL DEFAULT 'web'; CREATE TABLE draws (entry INTEGER PRIMARY KEY, rank INTEGER NOT NULL);",
}

describe("the concert object's schema", () => {
  it('a new object is at the latest version', async () => {
    const { concertId } = await newConcert()
    expect(await runInDurableObject(stubOf(concertId), (_, state) => versionOf(state.storage))).toBe(String(LATEST))
  })

  it('an object created before versions were kept is stamped on wake and keeps its queue, seats and holds', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const buyer = await activeBuyer(concertId)
    expect((await hold(buyer, concertId, dates[0]!.date, 3)).status).toBe(201)
    const waiter = await newUser()
    const waiting = await enterQueue(waiter, concertId)
    // As the object was deployed before versions were kept: the first version's tables (those of
    // later steps are dropped; they are empty here), no schemaVersion.
    const before = await runInDurableObject(stubOf(concertId), (_, state) => {
      const all = tables(state.storage)
      state.storage.sql.exec(
        "DELETE FROM meta WHERE key = 'schemaVersion'; DROP TABLE sold_out_places; DROP TABLE pre_queue; DROP TABLE relays;",
      )
      return all
    })
    await abortAllDurableObjects()

    const status = await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: waiting.token })
    expect(status.body).toMatchObject({ status: 'WAITING', position: 1 })
    // A stub of the object before the restart would only repeat that it was aborted.
    const after = await runInDurableObject(stubOf(concertId), (_, state) => ({
      version: versionOf(state.storage),
      tables: tables(state.storage),
      held: state.storage.sql.exec("SELECT seat_number FROM reservations WHERE state = 'HELD'").toArray(),
    }))
    expect(after).toEqual({ version: String(LATEST), tables: before, held: [{ seat_number: 3 }] })
  })

  it('a later step upgrades an object with data, once', async () => {
    const { concertId } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    await enterQueue(await newUser(), concertId)
    await enterQueue(await newUser(), concertId)
    const upgraded = await runInDurableObject(stubOf(concertId), (_, state) => {
      const version = migrate(state.storage, [...MIGRATIONS, nextStep])
      // Again: the ALTER would fail if the step ran twice.
      const again = migrate(state.storage, [...MIGRATIONS, nextStep])
      return {
        version,
        again,
        stored: versionOf(state.storage),
        rows: state.storage.sql.exec('SELECT status, source FROM queue ORDER BY arrival').toArray(),
        draws: tables(state.storage).includes('draws'),
      }
    })
    expect(upgraded).toEqual({
      version: LATEST + 1,
      again: LATEST + 1,
      stored: String(LATEST + 1),
      rows: [
        { status: 'ACTIVE', source: 'web' },
        { status: 'WAITING', source: 'web' },
      ],
      draws: true,
    })
  })

  it("a pre-queue of version 7 (one entry made before keys were kept) is rebuilt on wake and drawn in the contract's order", async () => {
    const opensAt = Date.now() + 3_000
    const sale = {
      opensAt: new Date(opensAt).toISOString(),
      preQueueOpensAt: new Date(Date.now() - 60_000).toISOString(),
    }
    const { concertId } = await newConcert({ sale, queuePolicy: { maxActiveUsers: 1 } })
    const entries = await Promise.all([1, 2, 3, 4].map(async () => enterQueue(await newUser(), concertId)))
    // The table as version 7 left it: keyed by entry, indexed by arrival and draw key (and orders without version 10's column).
    await runInDurableObject(stubOf(concertId), (_, state) => {
      state.storage.sql.exec(`
ALTER TABLE reservations DROP COLUMN refunding_since;
DROP INDEX pre_queue_by_arrival;
CREATE TABLE pre_queue_v7 (entry_id TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, entered_at INTEGER NOT NULL, arrival INTEGER UNIQUE, draw_key TEXT);
INSERT INTO pre_queue_v7 SELECT entry_id, user_id, entered_at, arrival, draw_key FROM pre_queue;
DROP TABLE pre_queue;
ALTER TABLE pre_queue_v7 RENAME TO pre_queue;
CREATE INDEX pre_queue_by_draw_key ON pre_queue (draw_key);
UPDATE pre_queue SET draw_key = NULL WHERE entry_id = '${entries[0]!.entryId}';
UPDATE meta SET value = '7' WHERE key = 'schemaVersion';`)
    })
    await runInDurableObject(stubOf(concertId), (_, state) => state.abort('reset')).catch(() => {})

    const status = await call('GET', `/api/concerts/${concertId}/queue/status`, { queueToken: entries[1]!.token })
    expect(status.body).toMatchObject({ status: 'PRE_QUEUE', entryId: entries[1]!.entryId })
    const rebuilt = await runInDurableObject(stubOf(concertId), (_, state) => ({
      version: versionOf(state.storage),
      rows: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pre_queue').one().n,
      keyless: state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pre_queue WHERE draw_key IS NULL').one()
        .n,
    }))
    expect(rebuilt).toEqual({ version: String(LATEST), rows: 4, keyless: 1 })

    await sleep(opensAt - Date.now())
    await runDurableObjectAlarm(stubOf(concertId))
    const draw = (await call('GET', `/api/concerts/${concertId}/sale/draw`)).body
    expect(draw.entries).toEqual(
      await expectedOrder(
        draw.seed,
        entries.map((e) => e.entryId!),
      ),
    )
    // Each token finds the place the draw gave its entry: the first drawn is admitted, the others wait in the draw's order.
    const places = await Promise.all(
      draw.entries.map(
        async (entryId: string) =>
          (
            await call('GET', `/api/concerts/${concertId}/queue/status`, {
              queueToken: entries.find((e) => e.entryId === entryId)!.token,
            })
          ).body,
      ),
    )
    expect(places.map((p) => [p.status, p.position])).toEqual([
      ['ACTIVE', 0],
      ['WAITING', 1],
      ['WAITING', 2],
      ['WAITING', 3],
    ])
  })

  it('version 10 gives a refund in flight its own clock: a REFUNDING order keeps when it started, a PAYING one its own', async () => {
    const { concertId, dates } = await newConcert({ queuePolicy: { maxActiveUsers: 1 } })
    const buyer = await activeBuyer(concertId)
    const held = await hold(buyer, concertId, dates[0]!.date, 3)
    // The table as version 9 left it, with an order PAYING since 111 and one REFUNDING since 222.
    const migrated = await runInDurableObject(stubOf(concertId), (_, state) => {
      const { sql } = state.storage
      sql.exec(
        `ALTER TABLE reservations DROP COLUMN refunding_since; UPDATE meta SET value = '9' WHERE key = 'schemaVersion';`,
      )
      sql.exec("UPDATE reservations SET state = 'PAYING', paying_since = 111 WHERE id = ?", held.body.reservationId)
      sql.exec(
        `INSERT INTO reservations (id, date, seat_number, seat_numbers, user_id, arrival, price, state, expires_at, paying_since, payment_id, created_at)
         VALUES ('refunding', ?, 9, '[9]', 'u', 1, 100, 'REFUNDING', 0, 222, 'p', 0)`,
        dates[0]!.date,
      )
      migrate(state.storage)
      return sql.exec('SELECT state, paying_since, refunding_since FROM reservations ORDER BY state').toArray()
    })
    expect(migrated).toEqual([
      { state: 'PAYING', paying_since: 111, refunding_since: null },
      { state: 'REFUNDING', paying_since: null, refunding_since: 222 },
    ])
  })

  it("the order book refuses a move the order's life does not allow, and changes nothing", async () => {
    const { concertId, dates } = await newConcert()
    const buyer = await activeBuyer(concertId)
    const { reservationId } = (await hold(buyer, concertId, dates[0]!.date, 3)).body
    const after = await runInDurableObject(stubOf(concertId), (instance, state) => {
      const { orders } = (instance as unknown as { room: { orders: OrderBook } }).room
      const order = orders.get(reservationId)!
      expect(() => state.storage.transactionSync(() => orders.move(order, 'REFUNDED', Date.now()))).toThrow(
        /no move from HELD to REFUNDED/,
      )
      return state.storage.sql.exec('SELECT state, refund_id FROM reservations WHERE id = ?', reservationId).one()
    })
    expect(after).toEqual({ state: 'HELD', refund_id: null })
  })

  it('a step that fails leaves the object at the version before it, with none of its changes', async () => {
    const { concertId } = await newConcert()
    const broken: Migration = {
      version: LATEST + 1,
      sql: 'CREATE TABLE half_done (a INTEGER); INSERT INTO no_such_table VALUES (1);',
    }
    const outcome = await runInDurableObject(stubOf(concertId), (_, state) => {
      let error = ''
      try {
        migrate(state.storage, [...MIGRATIONS, broken])
      } catch (err) {
        error = String(err)
      }
      return { error, version: versionOf(state.storage), halfDone: tables(state.storage).includes('half_done') }
    })
    expect(outcome).toEqual({
      error: expect.stringContaining('no_such_table'),
      version: String(LATEST),
      halfDone: false,
    })
  })
})
