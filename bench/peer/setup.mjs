// @ts-check
// `node bench/peer/setup.mjs [PEER_DIR] [--port 9088] [--serve] [--no-build]`: makes the peer
// of bench/peer/ ready to be measured (README.md there), from its source in PEER_DIR
// (default /work/peer-src, a checkout of dbwogus94/hhplus-concert-ticketing-service):
//   1. Debian's mariadb-server and redis-server, installed if missing, started if stopped;
//   2. its database and user, afresh: the tables of its own first migration, and the seed the
//      workloads need (concert 1: 8 dates of 50 available seats);
//   3. kafka-off.patch applied (once), then `npm ci && npm run build`;
//   4. the built peer started on --port and checked on each route the comparison drives, then
//      stopped, or left serving in the foreground with --serve (Ctrl-C stops it).
// Queue state lives in Redis only; compare.mjs empties it and seeds its own at each run.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  activeToken,
  asRoot,
  CONCERT_ID,
  DB,
  ensureDatabases,
  flushRedis,
  PEER_DIR,
  PEER_PORT,
  PERFORMANCES,
  SEATS,
  sql,
  startPeer,
} from './peer.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: String(PEER_PORT) },
    serve: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
})
const dir = resolve(positionals[0] ?? PEER_DIR)
const PATCH = join(dirname(fileURLToPath(import.meta.url)), 'kafka-off.patch')
/** The peer's first migration: every table, as TypeORM's migration:run would create them. */
const INIT_MIGRATION = join(dir, 'migrations/local/1729215044973-init.ts')
const started = Date.now()
const step = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${text}`)

if (!existsSync(INIT_MIGRATION)) throw new Error(`${dir} is not a checkout of the peer (no ${INIT_MIGRATION})`)

step('MariaDB and Redis')
const has = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
if (!has('mariadbd') && !existsSync('/usr/sbin/mariadbd')) install()
else if (!has('redis-server')) install()
ensureDatabases()

step(`database ${DB.name}, user ${DB.user}`)
createDatabase()
step(`seed: concert ${CONCERT_ID}, ${PERFORMANCES} dates of ${SEATS} seats`)
seed()
flushRedis()

const run = (cmd, args) => execFileSync(cmd, args, { cwd: dir, stdio: 'inherit' })
if (!values['no-build']) {
  step('kafka-off.patch')
  applyPatch()
  step('npm ci')
  run('npm', ['ci', '--no-audit', '--no-fund'])
  step('npm run build')
  run('npm', ['run', 'build'])
}

step(`starting the peer on port ${values.port}`)
const peer = await startPeer({ dir, port: Number(values.port) })
try {
  await check(peer.url)
} catch (error) {
  await peer.dispose()
  throw error
}
if (values.serve) {
  step(`the peer serves ${peer.url} (pid ${peer.pid}); Ctrl-C stops it`)
  process.once('SIGINT', () => void peer.dispose().then(() => process.exit(0)))
  process.once('SIGTERM', () => void peer.dispose().then(() => process.exit(0)))
} else {
  await peer.dispose()
  step(`ready: ${dir} built; run: npm run bench:peer -- --peer-dir ${dir}`)
}

function install() {
  asRoot('apt-get', ['update', '-qq'])
  asRoot('apt-get', ['install', '-y', '-qq', 'mariadb-server', 'redis-server'])
}

/**
 * The peer's tables from its own first migration (the SQL inside its queryRunner.query calls),
 * with one change: MySQL 8's collation utf8mb4_0900_ai_ci, which MariaDB 10.11 lacks, becomes
 * utf8mb4_unicode_520_ci (the closest MariaDB has: case- and accent-insensitive, UCA 5.2).
 */
function createDatabase() {
  const source = readFileSync(INIT_MIGRATION, 'utf8')
  const up = source.slice(0, source.indexOf('async down('))
  const tables = [...up.matchAll(/queryRunner\.query\(`((?:\\`|[^`])*)`\)/g)]
    .map((m) => m[1].replaceAll('\\`', '`').trim())
    .filter((s) => s.startsWith('CREATE TABLE'))
    .map((s) => s.replaceAll('utf8mb4_0900_ai_ci', 'utf8mb4_unicode_520_ci'))
  if (tables.length === 0) throw new Error(`no CREATE TABLE found in ${INIT_MIGRATION}`)
  const user = (host) => `'${DB.user}'@'${host}'`
  sql(
    [
      `DROP DATABASE IF EXISTS ${DB.name};`,
      `CREATE DATABASE ${DB.name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;`,
      ...['localhost', '127.0.0.1'].flatMap((host) => [
        `CREATE USER IF NOT EXISTS ${user(host)} IDENTIFIED BY '${DB.password}';`,
        `ALTER USER ${user(host)} IDENTIFIED BY '${DB.password}';`,
        `GRANT ALL PRIVILEGES ON ${DB.name}.* TO ${user(host)};`,
      ]),
    ].join('\n'),
  )
  sql(tables.join('\n'), DB.name)
}

/** Concert 1 on sale from next week: PERFORMANCES dates (its "performances"), SEATS available seats each. */
function seed() {
  const day = (i) => new Date(Date.now() + (7 + i) * 86_400_000).toISOString().slice(0, 10)
  const performances = Array.from(
    { length: PERFORMANCES },
    (_, i) => `('${day(i)}', '${day(i)} 19:00:00', ${CONCERT_ID})`,
  )
  const seats = Array.from({ length: PERFORMANCES * SEATS }, (_, k) => {
    const performanceId = Math.floor(k / SEATS) + 1
    return `(${(k % SEATS) + 1}, 1000, 'Available', ${performanceId}, 1)`
  })
  sql(
    [
      `INSERT INTO concert (id, name, description, startDate, endDate) VALUES (${CONCERT_ID}, 'Bench', 'bench/peer', '${day(0)}', '${day(PERFORMANCES - 1)}');`,
      `INSERT INTO performance (openDate, startAt, concertId) VALUES ${performances.join(', ')};`,
      `INSERT INTO seat (position, amount, status, performanceId, version) VALUES ${seats.join(', ')};`,
    ].join('\n'),
    DB.name,
  )
}

/** kafka-off.patch, unless the source has it already. */
function applyPatch() {
  const git = (...args) => execFileSync('git', ['apply', ...args, PATCH], { cwd: dir, stdio: 'pipe' })
  try {
    git('--reverse', '--check')
    console.log('  already applied')
  } catch {
    git()
  }
}

/** Each route compare.mjs drives answers as it expects. */
async function check(url) {
  /** @param {string} method @param {string} path @param {{ body?: object, headers?: Record<string, string> }} [options] */
  const call = async (method, path, { body, headers = {} } = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`)
    return data
  }
  await call('GET', '/')
  const entry = await call('POST', '/queue/tokens', { body: { concertId: CONCERT_ID, userId: 1 } })
  const status = await call('POST', '/queue/status', { body: { waitToken: entry.data.info.uid } })
  const dates = await call('GET', `/performances/performances?concertId=${CONCERT_ID}`)
  const headers = { 'x-queue-token': activeToken(1) }
  const seats = await call('GET', `/performances/${dates.data.results.at(-1).info.id}/seats`, { headers })
  const { result } = status.data
  console.log(
    `  checked: entry ${entry.data.info.status}, status ${result.status} #${result.waitingNumber}, ` +
      `${dates.data.totalCount} dates, ${seats.data.totalCount} seats available on the first`,
  )
  if (dates.data.totalCount !== PERFORMANCES || seats.data.totalCount !== SEATS)
    throw new Error('the seed is not served')
  flushRedis()
}
