// @ts-check
// `npm run lint:openapi`: the OpenAPI document the Worker serves, linted by Redocly's
// recommended rules (redocly.yaml). The document is asked of the built Worker itself, with no
// `npm start`: the bundle `wrangler deploy` would upload (so `npm run build:web` first: the
// deploy wants its assets folder), served by workerd through Miniflare
// as the benchmarks serve it (bench/serve-bundle.mjs). It is written to test-results/openapi.json
// (kept beside the test reports: the document that was linted), a fixed path because
// .redocly.lint-ignore.yaml names the few problems it accepts by file. The exit code is
// Redocly's: non-zero when a rule fails.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { serveBundle } from '../bench/serve-bundle.mjs'

const DOCUMENT = 'test-results/openapi.json'

async function servedDocument() {
  const server = await serveBundle()
  try {
    const res = await fetch(`${server.url}/openapi.json`)
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`)
    return await res.json()
  } finally {
    await server.dispose()
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
