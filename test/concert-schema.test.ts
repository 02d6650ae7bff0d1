import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { migrate, MIGRATIONS, type Migration } from '../src/concert/schema'
import { call, enterQueue, hold, activeBuyer, newConcert, newUser, stubOf } from './helpers'

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version
const versionOf = (storage: DurableObjectStorage) => storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schemaVersion'").toArray()[0]?.value ?? null
const tables = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name")
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
      state.storage.sql.exec("DELETE FROM meta WHERE key = 'schemaVersion'; DROP TABLE sold_out_places; DROP TABLE pre_queue; DROP TABLE relays;")
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

  it('a step that fails leaves the object at the version before it, with none of its changes', async () => {
    const { concertId } = await newConcert()
    const broken: Migration = { version: LATEST + 1, sql: 'CREATE TABLE half_done (a INTEGER); INSERT INTO no_such_table VALUES (1);' }
    const outcome = await runInDurableObject(stubOf(concertId), (_, state) => {
      let error = ''
      try {
        migrate(state.storage, [...MIGRATIONS, broken])
      } catch (err) {
        error = String(err)
      }
      return { error, version: versionOf(state.storage), halfDone: tables(state.storage).includes('half_done') }
    })
    expect(outcome).toEqual({ error: expect.stringContaining('no_such_table'), version: String(LATEST), halfDone: false })
  })
})
