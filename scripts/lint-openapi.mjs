// @ts-check
// `npm run lint:openapi`: the OpenAPI document the Worker serves, linted by Redocly's
// recommended rules (redocly.yaml). The document is asked of the built Worker itself, with no
// `npm start`: the bundle `wrangler deploy` would upload (so `npm run build:web` first: the
// deploy wants its assets folder), run by workerd through Miniflare in memory, as
// bench/serve-bundle.mjs does for the benchmarks. It is written to test-results/openapi.json
// (kept beside the test reports: the document that was linted), a fixed path because
// .redocly.lint-ignore.yaml names the few problems it accepts by file. The exit code is
// Redocly's: non-zero when a rule fails.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Log, LogLevel, Miniflare } from 'miniflare'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'

const DOCUMENT = 'test-results/openapi.json'

async function servedDocument() {
  const outdir = mkdtempSync(join(tmpdir(), 'concert-openapi-'))
  try {
    execFileSync('node', ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir], {
      stdio: 'pipe',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    })
    // Every binding as wrangler.toml declares it, so the bundle starts as deployed; nothing is persisted.
    const { workerOptions: w } = unstable_getMiniflareWorkerOptions('wrangler.toml')
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(outdir, 'index.js'),
      modulesRoot: outdir,
      compatibilityDate: w.compatibilityDate,
      compatibilityFlags: w.compatibilityFlags,
      durableObjects: w.durableObjects,
      d1Databases: w.d1Databases,
      queueProducers: w.queueProducers,
      ratelimits: w.ratelimits,
      bindings: w.bindings,
      // No request.cf: Miniflare would download it, and the document does not depend on it.
      cf: false,
      // The Worker's JSON log line for the request: not this script's output.
      handleRuntimeStdio: (stdout, stderr) => {
        stdout.resume()
        stderr.pipe(process.stderr)
      },
      log: new Log(LogLevel.WARN),
    })
    try {
      const res = await mf.dispatchFetch('http://localhost/openapi.json')
      if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`)
      return await res.json()
    } finally {
      await mf.dispose()
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

mkdirSync('test-results', { recursive: true })
writeFileSync(DOCUMENT, JSON.stringify(await servedDocument(), null, 2))
const lint = spawnSync('node', ['node_modules/@redocly/cli/bin/cli.js', 'lint', DOCUMENT, '--config', 'redocly.yaml'], {
  stdio: 'inherit',
  // No telemetry nor update check: the linter needs nothing but the file and its config.
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
})
process.exit(lint.status ?? 1)
