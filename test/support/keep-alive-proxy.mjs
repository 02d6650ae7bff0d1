// @ts-check
// An HTTP proxy in front of the service as a contract-validating proxy puts itself (issue #34):
// each request forwarded verbatim (method, path, headers, body) over a few keep-alive
// connections (undici's Pool) that are reused across idle gaps, the answer passed back as it
// came. An idle connection is closed after 4 s (undici's default), before workerd closes its
// side at 5 s: a client that reused it as the server closed it would fail its own request
// (seen with Node's http.Agent, which keeps idle sockets with no limit: "socket hang up").
// What the proxy fails to forward is answered 502 with a body starting "proxy:", so the
// service's own 5xx stay distinguishable from it.
import { createServer } from 'node:http'
import { Pool } from 'undici'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'])

/**
 * @param {string} upstream e.g. http://127.0.0.1:8787
 * @param {{ sockets?: number }} [options]
 */
export async function startKeepAliveProxy(upstream, { sockets = 6 } = {}) {
  const target = new URL(upstream)
  const pool = new Pool(target.origin, { connections: sockets, keepAliveTimeout: 4_000 })
  const stats = { forwarded: 0, proxyErrors: 0, connectionsOpened: 0 }
  pool.on('connect', () => stats.connectionsOpened++)
  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([])
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => void forward())
    async function forward() {
      const body = Buffer.concat(chunks)
      /** @type {Record<string, string | string[]>} */
      const headers = {}
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
      headers.host = target.host
      stats.forwarded++
      try {
        const answer = await pool.request({
          method: /** @type {any} */ (req.method),
          path: req.url ?? '/',
          headers,
          body: body.length > 0 ? body : undefined,
        })
        /** @type {Record<string, string | string[]>} */
        const back = {}
        for (const [name, value] of Object.entries(answer.headers))
          if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value
        res.writeHead(answer.statusCode, back)
        for await (const chunk of answer.body) res.write(chunk)
        res.end()
      } catch (err) {
        stats.proxyErrors++
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`proxy: ${/** @type {Error} */ (err).message}`)
      }
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close() {
      void pool.destroy()
      server.closeAllConnections()
      server.close()
    },
  }
}
