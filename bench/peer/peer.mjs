// @ts-check
// The peer of bench/peer/ (README.md there): dbwogus94/hhplus-concert-ticketing-service, a
// public NestJS 10 + TypeORM + MySQL + Redis implementation of this service, run here on
// Debian's MariaDB and Redis with its Kafka off. What setup.mjs and compare.mjs share: the
// defaults, its database, its Redis, its process.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

export const PEER_DIR = process.env.PEER_DIR ?? '/work/peer-src'
export const PEER_PORT = 9088
/** Its database, made by setup.mjs; the peer reads DATABASE_* from its environment. */
export const DB = { host: '127.0.0.1', port: 3306, name: 'hhplus_peer', user: 'peer', password: 'peer-bench' }
/** The seed: one concert of PERFORMANCES dates of SEATS seats, as bench/run.mjs's sale concert. Its
 * queue routes hard-code concert 1 (status, and the guard of the seat route). */
export const CONCERT_ID = 1
export const PERFORMANCES = 8
export const SEATS = 50
/** Its two Redis clients (src/app.module.ts): the cache in db 0, the queues in db 1. */
const CACHE_DB = '0'
const QUEUE_DB = '1'

/** A command as root (through sudo unless already root); its stdout. */
export function asRoot(command, args = [], input) {
  const [file, argv] = process.getuid?.() === 0 ? [command, args] : ['sudo', [command, ...args]]
  return execFileSync(file, argv, {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
  })
}

/** SQL run by MariaDB's root (unix socket), in `database` when given. */
export function sql(text, database) {
  return asRoot('mariadb', database ? [database] : [], text)
}

/** @param {string[]} args */
function redis(db, ...args) {
  return execFileSync('redis-cli', ['-n', db, ...args], { encoding: 'utf8' }).trim()
}

/** Fresh queues and cache, as our side starts with fresh state. */
export function flushRedis() {
  redis(CACHE_DB, 'FLUSHDB')
  redis(QUEUE_DB, 'FLUSHDB')
}

/**
 * A queue token of concert 1 already ACTIVE, written as the peer's own scheduler writes it
 * (src/domain/queue: ActiveQueueCoreRedis.inActiveQueuesWithTx): the seat route's guard
 * takes it. The peer admits 100 waiting a second in order, so a token entered through the API
 * behind a long line would wait minutes. Its first use gives it a TTL of 5 minutes.
 */
export function activeToken(userId) {
  const uid = crypto.randomUUID()
  const now = Date.now()
  const value = {
    uid,
    userId,
    concertId: CONCERT_ID,
    status: 'Active',
    timestamp: now,
    waitingNumber: 0,
    activedAt: new Date(now).toISOString(),
  }
  redis(QUEUE_DB, 'SET', `q:active:consert-${CONCERT_ID}:info:${uid}`, JSON.stringify(value))
  return uid
}

/**
 * `count` users waiting in concert 1's line ahead of anyone entering after, written as the
 * peer's own entry writes them (WaitQueueCoreRedis.inWaitQueue: the entry's JSON in the sorted
 * set by time, and under its own key), in one `redis-cli --pipe`. The peer's scheduler admits
 * these first, 100 a second, so that users entered after them stay waiting.
 */
export function waitingAhead(count) {
  const resp = (...args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
  const key = `q:wait:consert-${CONCERT_ID}`
  const start = Date.now() - count
  let commands = ''
  for (let i = 0; i < count; i++) {
    const uid = crypto.randomUUID()
    const timestamp = start + i
    const json = JSON.stringify({
      uid,
      userId: i + 1,
      concertId: CONCERT_ID,
      status: 'Wait',
      timestamp,
      waitingNumber: 0,
    })
    commands += resp('ZADD', `${key}:sort`, String(timestamp), json) + resp('HSET', `${key}:info:${uid}`, 'info', json)
  }
  execFileSync('redis-cli', ['-n', QUEUE_DB, '--pipe'], { input: commands, stdio: ['pipe', 'ignore', 'inherit'] })
}

/** The built entry point: `nest build` puts it at dist/src/main.js (its tsconfig includes migrations/). */
export function peerMain(dir) {
  const main = ['dist/main.js', 'dist/src/main.js'].map((f) => join(dir, f)).find((f) => existsSync(f))
  if (!main) throw new Error(`no build in ${dir}/dist: run node bench/peer/setup.mjs ${dir}`)
  return main
}

/**
 * Starts the built peer the production way (`node dist/...`, NODE_ENV=production unless
 * PEER_NODE_ENV says otherwise, Kafka off),
 * its stdout dropped as serve-bundle.mjs drops ours; it writes logs/app.log and logs/error.log
 * itself, emptied here at each start. Resolves once GET / answers.
 */
export async function startPeer({ dir = PEER_DIR, port = PEER_PORT } = {}) {
  const main = peerMain(dir)
  rmSync(join(dir, 'logs'), { recursive: true, force: true })
  mkdirSync(join(dir, 'logs'))
  const child = spawn(process.execPath, [main], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      // Its production logging (src/common/class/winston): info and up, to stdout and two files.
      NODE_ENV: process.env.PEER_NODE_ENV ?? 'production',
      KAFKA: 'off',
      PORT: String(port),
      DATABASE_HOST: DB.host,
      DATABASE_PORT: String(DB.port),
      DATABASE_USER: DB.user,
      DATABASE_PASSWORD: DB.password,
      DATABASE_NAME: DB.name,
    },
  })
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 500, 'running'))])
    if (code !== 'running') throw new Error(`the peer exited (${code}) at start: see ${dir}/logs/error.log`)
    try {
      if ((await fetch(`${url}/`)).ok) break
    } catch {
      // not listening yet
    }
    if (i > 120) {
      child.kill('SIGKILL')
      throw new Error(`the peer did not answer on ${url} within 60 s: see ${dir}/logs/error.log`)
    }
  }
  return {
    url,
    pid: child.pid,
    /** Stops the peer (SIGTERM, then SIGKILL after 10 s). */
    async dispose() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** MariaDB and Redis running (started when stopped: a machine restart stops them). */
export function ensureDatabases() {
  ensureRunning('mariadb', () => asRoot('mariadb-admin', ['ping']))
  ensureRunning('redis-server', () => execFileSync('redis-cli', ['ping'], { encoding: 'utf8' }))
}

/** Started through its init script (`service`): apt leaves services stopped where no init system runs (containers). */
function ensureRunning(service, ping) {
  try {
    ping()
    return
  } catch {
    asRoot('service', [service, 'start'])
  }
  for (let i = 0; i < 30; i++) {
    try {
      ping()
      return
    } catch {
      execFileSync('sleep', ['1'])
    }
  }
  throw new Error(`${service} did not start`)
}
