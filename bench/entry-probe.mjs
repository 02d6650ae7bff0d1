import { benchClient } from './client.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from './serve-bundle.mjs'
const server = await serveBundle()
const { load, createConcert, accessTokens } = benchClient(server.url, { ADMIN_TOKEN, AUTH_SECRET })
try {
  const base = await load({ kind: 'http', connections: 50, durationMs: 3000, requests: [{ method: 'GET', path: '/healthz' }] })
  const concertId = await createConcert({ maxActiveUsers: 1, idleTimeoutSeconds: 86_400 }, 1)
  const enter = (await accessTokens(15_000)).map((t) => ({ method: 'POST', path: `/api/concerts/${concertId}/queue/tokens`, headers: { authorization: `Bearer ${t}` } }))
  console.log('READY', Date.now())
  const r = await load({ kind: 'http', connections: 50, durationMs: 3000, requests: enter })
  console.log(`baseline ${Math.round(base.rps)}/s; entry ${Math.round(r.rps)}/s p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} ${JSON.stringify(r.statusCounts)}`)
} finally { await server.dispose() }
