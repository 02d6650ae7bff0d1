// @ts-check
// `npm start`: the whole service on this machine, the way a newcomer expects it.
//   1. .dev.vars from .dev.vars.example when missing (development secrets), and the secrets
//      added to the example since (PHONE_HASH_KEY, TICKET_SIGNING_KEY) appended to an older
//      .dev.vars; the example's ticket signing key replaced by a new one of this machine's
//   2. D1 migrations applied to the local database under .wrangler/state (or STATE_DIR)
//   3. the Worker in workerd through Miniflare (scripts/local-runtime.mjs: the runtime of
//      `wrangler dev`, its local D1, Durable Objects, Queues and persistence, the pages in
//      public/, a rebuild on a change to src/) on PORT (default 8787), with DATA_PLATFORM_URL,
//      EVENT_RETRY_BASE_SECONDS, SMS_WEBHOOK_URL and Turnstile's TURNSTILE_SECRET_KEY,
//      TURNSTILE_SITE_KEY and TURNSTILE_VERIFY_URL passed on when set (over .dev.vars and
//      wrangler.toml)
//   4. a demo concert seeded through the admin API, once (idempotent across restarts)
//
// Not wrangler's dev server (`wrangler dev`, `unstable_startWorker`): its proxy answered 503
// "Your worker restarted mid-request" to POSTs it failed to forward over an idle keep-alive
// connection to the runtime, nothing having restarted (issue #34), and its inspector proxy
// piled up connections under a rush (issue #17). docs/reliability.md has both measurements.
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { startLocalRuntime } from './local-runtime.mjs'
import { seedDemoConcert } from './seed.mjs'

const port = Number(process.env.PORT ?? 8787)
const persistTo = process.env.STATE_DIR ?? '.wrangler/state'
// Variables read from this process's environment and handed to the Worker.
const vars = Object.fromEntries(
  [
    'DATA_PLATFORM_URL',
    'EVENT_RETRY_BASE_SECONDS',
    'SMS_WEBHOOK_URL',
    // Turnstile on, e.g. against test/support/turnstile.mjs (test/e2e/sale.test.mjs does).
    'TURNSTILE_SECRET_KEY',
    'TURNSTILE_SITE_KEY',
    'TURNSTILE_VERIFY_URL',
  ]
    // Set, even empty: TURNSTILE_SECRET_KEY= turns off what .dev.vars turned on.
    .filter((name) => process.env[name] !== undefined)
    .map((name) => [name, process.env[name]]),
)
const wrangler = ['node_modules/wrangler/bin/wrangler.js']
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false' }

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars')
  console.log('created .dev.vars from .dev.vars.example (development secrets)')
}
const secretNames = (text) => new Set([...text.matchAll(/^([A-Z_]+)=/gm)].map(([, name]) => name))
const have = secretNames(readFileSync('.dev.vars', 'utf8'))
const missing = readFileSync('.dev.vars.example', 'utf8')
  .split('\n')
  .filter((line) => /^[A-Z_]+=/.test(line) && !have.has(line.slice(0, line.indexOf('='))))
if (missing.length > 0) {
  appendFileSync('.dev.vars', `\n${missing.join('\n')}\n`)
  console.log(`added to .dev.vars from .dev.vars.example: ${missing.map((l) => l.slice(0, l.indexOf('='))).join(', ')}`)
}
// The example's ticket signing key is public (it is in git): each machine signs codes with its own.
const devVars = readFileSync('.dev.vars', 'utf8')
if (/^TICKET_SIGNING_KEY=.*"kid":"dev-example"/m.test(devVars)) {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  const kid = `dev-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`
  writeFileSync(
    '.dev.vars',
    devVars.replace(/^TICKET_SIGNING_KEY=.*$/m, () => `TICKET_SIGNING_KEY=${JSON.stringify({ ...jwk, kid })}`),
  )
  console.log(`generated a development ticket signing key in .dev.vars (kid ${kid})`)
}
const adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim()

const migrate = spawnSync(
  'node',
  [...wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
  { stdio: 'inherit', env: quiet },
)
if (migrate.status !== 0) process.exit(migrate.status ?? 1)

const worker = await startLocalRuntime({ port, persistTo, vars })
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    void worker.dispose().finally(() => process.exit(0))
  })
}

const base = `http://127.0.0.1:${port}`
try {
  await waitForHealth(base)
  const seeded = await seedDemoConcert(base, adminToken)
  console.log(
    seeded.created ? `seeded demo concert ${seeded.concertId}` : `demo concert ${seeded.concertId} already there`,
  )
  console.log(`\nready: ${base}  (OpenAPI: ${base}/openapi.json)\n`)
} catch (err) {
  console.error(`start: ${err.message}`)
}

async function waitForHealth(url, deadline = Date.now() + 90_000) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`no answer from ${url}/healthz after 90 s`)
}
