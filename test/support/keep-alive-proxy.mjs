// @ts-check
// An HTTP proxy in front of the service as a contract-validating proxy puts itself (issue #34):
// each request forwarded verbatim (method, path, headers, body) over a few keep-alive
// connections that are reused across idle gaps, the answer passed back as it came. What the
// proxy itself fails to forward is answered 502 with a body starting "proxy:", so the service's
// own 5xx stay distinguishable from it.
import { createServer, Agent, request as httpRequest } from 'node:http'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'])

/**
 * @param {string} upstream e.g. http://127.0.0.1:8787
 * @param {{ sockets?: number }} [options]
 */
export async function startKeepAliveProxy(upstream, { sockets = 6 } = {}) {
  const target = new URL(upstream)
  // No idle timeout of its own: a socket stays in the pool until the service closes it.
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets })
  const stats = { forwarded: 0, proxyErrors: 0, socketsOpened: 0 }
  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([])
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      /** @type {Record<string, string | string[]>} */
      const headers = {}
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value
      headers.host = target.host
      if (body.length > 0) headers['content-length'] = String(body.length)
      stats.forwarded++
      const out = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          /** @type {Record<string, string | string[]>} */
          const back = {}
          for (const [name, value] of Object.entries(answer.headers))
            if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value
          res.writeHead(answer.statusCode ?? 502, back)
          answer.pipe(res)
        },
      )
      out.on('socket', (socket) => {
        if (!(/** @type {any} */ (socket).__counted)) {
          /** @type {any} */ (socket).__counted = true
          stats.socketsOpened++
        }
      })
      out.on('error', (err) => {
        stats.proxyErrors++
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`proxy: ${err.message}`)
      })
      out.end(body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close() {
      agent.destroy()
      server.closeAllConnections()
      server.close()
    },
  }
}
