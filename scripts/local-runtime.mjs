// @ts-check
// The Worker for `npm start`, in workerd through Miniflare's API: the runtime `wrangler dev`
// runs (the same Miniflare and workerd packages), without wrangler's dev proxy in front of it.
// That proxy is a second workerd process which forwards every request over a pooled keep-alive
// connection to this one, and answers a POST whose forward failed with 503 "Your worker
// restarted mid-request" although nothing restarted (docs/reliability.md, "npm start behind a
// proxy"). Here clients reach Miniflare's entry Worker, which calls the assets router and the
// Worker inside the same process.
//
// The bundle is what `wrangler deploy` would upload (`--dry-run --outdir`); the bindings are
// wrangler.toml's as wrangler reads them, with .dev.vars' secrets; persisted state lives where
// `wrangler dev --persist-to` keeps it (<persistTo>/v3/{d1,do,cache}, each object's storage
// under the Worker's name), so an older .wrangler/state keeps working.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, watch } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Log, LogLevel, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'

/** The Worker's name in wrangler.toml: Durable Objects' storage is kept under it. */
const WORKER_NAME = 'concert-tickets'

/**
 * @param {{ port: number, persistTo: string, vars: Record<string, string>, log?: (line: string) => void }} options
 */
export async function startLocalRuntime({ port, persistTo, vars, log = console.log }) {
  const outdir = mkdtempSync(join(tmpdir(), 'concert-start-'))
  const options = async () => {
    await promisify(execFile)(
      'node',
      ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir],
      { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
    )
    // Read again on each build: wrangler.toml and .dev.vars may have changed too.
    const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml')
    return {
      host: '127.0.0.1',
      port,
      defaultPersistRoot: join(persistTo, 'v3'),
      log: new Log(LogLevel.INFO),
      workers: [
        {
          ...workerOptions,
          name: WORKER_NAME,
          modules: true,
          scriptPath: join(outdir, 'index.js'),
          modulesRoot: outdir,
          modulesRules: undefined,
          bindings: { ...workerOptions.bindings, ...vars },
        },
      ],
    }
  }
  const mf = new Miniflare(/** @type {any} */ (await options()))
  await mf.ready

  // A change under src/, to wrangler.toml, or public/ made again (`npm run build:web`) rebuilds
  // and restarts the runtime, as `wrangler dev` did: requests in flight at that moment fail.
  let pending = /** @type {NodeJS.Timeout | undefined} */ (undefined)
  let reloading = Promise.resolve()
  const reload = () => {
    reloading = reloading.then(async () => {
      try {
        log('a change: rebuilding and reloading...')
        await mf.setOptions(/** @type {any} */ (await options()))
        log('reloaded')
      } catch (err) {
        log(`reload failed (the previous build keeps serving): ${err.message ?? err}`)
      }
    })
  }
  const onChange = () => {
    clearTimeout(pending)
    pending = setTimeout(reload, 300)
  }
  const watchers = [
    watch('src', { recursive: true }, onChange),
    watch('.', (_event, name) => {
      if (name === 'wrangler.toml' || name === 'public') onChange()
    }),
  ]
  for (const w of watchers) w.on('error', () => {})

  return {
    mf,
    async dispose() {
      for (const w of watchers) w.close()
      clearTimeout(pending)
      await mf.dispose()
      rmSync(outdir, { recursive: true, force: true })
    },
  }
}
