// @ts-check
// Serves the Worker the way production runs it: the bundle `wrangler deploy` would upload,
// in workerd through Miniflare's API, with the same bindings and fresh persisted state, and
// none of `wrangler dev`'s proxy or inspector layers. Requests reach the Worker on a socket of
// its own, as with `workerd serve`: Miniflare's own entry Worker (request.cf, pretty error
// pages), which no deployed Worker has in front of it, is left out unless `entryWorker` asks
// for it. It more than halved the throughput of a trivial route here (docs/benchmarks.md).
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Log, LogLevel, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'

export const ADMIN_TOKEN = 'bench-admin-token'
export const AUTH_SECRET = 'bench-auth-secret-0123456789abcdef0123456789'
/** A fresh Ed25519 key of ticket codes per run (docs/tickets.md). */
const TICKET_SIGNING_KEY = JSON.stringify({
  ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
  kid: 'bench',
})

/** `vars` override wrangler.toml's (DATA_PLATFORM_URL: where the bench counts delivered events); `port` 0: any free one. */
/** @param {{ inspectorPort?: number, entryWorker?: boolean, vars?: Record<string, string>, probe?: string, port?: number }} [options] */
export async function serveBundle({ inspectorPort, entryWorker = false, vars = {}, probe, port = 0 } = {}) {
  const work = mkdtempSync(join(process.env.BENCH_STATE_DIR ?? tmpdir(), 'concert-bench-'))
  const outdir = join(work, 'bundle')
  execFileSync('node', ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir], {
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  // Every binding as wrangler.toml declares it (vars, object, D1, queues, rate limits), as deployed.
  const { workerOptions: w } = unstable_getMiniflareWorkerOptions('wrangler.toml')
  const main = {
    name: 'main',
    modules: true,
    scriptPath: join(outdir, 'index.js'),
    modulesRoot: outdir,
    compatibilityDate: w.compatibilityDate,
    compatibilityFlags: w.compatibilityFlags,
    durableObjects: w.durableObjects,
    d1Databases: w.d1Databases,
    queueProducers: w.queueProducers,
    queueConsumers: w.queueConsumers,
    ratelimits: w.ratelimits,
    bindings: { ...w.bindings, ...vars, AUTH_SECRET, ADMIN_TOKEN, TICKET_SIGNING_KEY, TICKET_SIGNING_KEY_PREVIOUS: '' },
    ...(entryWorker ? {} : { unsafeDirectSockets: [{ host: '127.0.0.1', port }] }),
  }
  const shared = {
    d1Persist: join(work, 'd1'),
    durableObjectsPersist: join(work, 'do'),
    // The Worker's JSON log lines are written as in production, then dropped here.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume()
      stderr.resume()
    },
    ...(entryWorker ? { host: '127.0.0.1', port } : {}),
    inspectorPort,
    log: new Log(LogLevel.WARN),
  }
  // A probe: a Worker of its own (another isolate) calling the objects' methods directly (bench/object-costs.mjs, bench/waitlist-release.mjs).
  const durableObjects = Object.fromEntries(
    Object.entries(w.durableObjects ?? {}).map(([binding, o]) => [
      binding,
      { className: typeof o === 'string' ? o : o.className, scriptName: 'main' },
    ]),
  )
  const mf = new Miniflare(
    probe
      ? {
          ...shared,
          workers: [
            main,
            {
              name: 'probe',
              modules: true,
              script: probe,
              compatibilityDate: w.compatibilityDate,
              durableObjects,
              // The same database as the Worker's (bench/waitlist-release.mjs makes its users there).
              d1Databases: w.d1Databases,
            },
          ],
        }
      : { ...shared, ...main },
  )
  const entryUrl = await mf.ready
  const url = (entryWorker ? entryUrl : await mf.unsafeGetDirectURL('main')).toString().replace(/\/$/, '')
  await applyMigrations(await mf.getD1Database('DB'))
  return {
    url,
    /** The bundle's code, for profiles: its lines carry esbuild's `// src/...` module markers. */
    bundle: readFileSync(join(outdir, 'index.js'), 'utf8'),
    /** @param {string} path */
    probe: async (path) => /** @type {any} */ (await mf.getWorker('probe')).fetch(`http://probe${path}`),
    async dispose() {
      await mf.dispose()
      rmSync(work, { recursive: true, force: true })
    },
  }
}

async function applyMigrations(db) {
  for (const file of readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    const sql = readFileSync(join('migrations', file), 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('--'))
      .join('\n')
    for (const statement of sql
      .split(/;\s*$/m)
      .map((s) => s.trim())
      .filter(Boolean)) {
      await db.prepare(statement).run()
    }
  }
}
