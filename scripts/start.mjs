// @ts-check
// `npm start`: the whole service on this machine, the way a newcomer expects it.
//   1. .dev.vars from .dev.vars.example when missing (development secrets)
//   2. D1 migrations applied to the local database under .wrangler/state (or STATE_DIR)
//   3. `wrangler dev` on PORT (default 8787), with DATA_PLATFORM_URL and EVENT_RETRY_BASE_SECONDS passed on when set
//   4. a demo concert seeded through the admin API, once (idempotent across restarts)
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import { seedDemoConcert } from './seed.mjs'

const port = Number(process.env.PORT ?? 8787)
const persist = ['--persist-to', process.env.STATE_DIR ?? '.wrangler/state']
// Variables read from this process's environment and handed to the Worker.
const vars = ['DATA_PLATFORM_URL', 'EVENT_RETRY_BASE_SECONDS'].filter((name) => process.env[name]).flatMap((name) => ['--var', `${name}:${process.env[name]}`])
const wrangler = ['node_modules/wrangler/bin/wrangler.js']
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false' }

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars')
  console.log('created .dev.vars from .dev.vars.example (development secrets)')
}
const adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim()

const migrate = spawnSync('node', [...wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', ...persist], { stdio: 'inherit', env: quiet })
if (migrate.status !== 0) process.exit(migrate.status ?? 1)

const dev = spawn('node', [...wrangler, 'dev', '--port', String(port), ...persist, ...vars, '--show-interactive-dev-session=false'], {
  stdio: 'inherit',
  env: quiet,
})
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))

const base = `http://127.0.0.1:${port}`
try {
  await waitForHealth(base)
  const seeded = await seedDemoConcert(base, adminToken)
  console.log(seeded.created ? `seeded demo concert ${seeded.concertId}` : `demo concert ${seeded.concertId} already there`)
  console.log(`\nready: ${base}  (OpenAPI: ${base}/openapi.json)\n`)
} catch (err) {
  console.error(`start: ${err.message}`)
}

async function waitForHealth(url, deadline = Date.now() + 90_000) {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`no answer from ${url}/healthz after 90 s`)
}
