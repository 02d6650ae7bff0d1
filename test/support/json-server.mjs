// @ts-check
// What the stand-ins for outside services share (data-platform.mjs, sms-gateway.mjs): an HTTP
// server on 127.0.0.1 that reads each request's body and answers JSON.
import { createServer } from 'node:http'

/**
 * @typedef {{ method: string, url: URL, body: string, headers: import('node:http').IncomingHttpHeaders }} StandInRequest
 * @typedef {(status: number, value?: unknown) => void} Reply
 * @param {number} port
 * @param {(request: StandInRequest, reply: Reply) => void | Promise<void>} handle
 * @returns {Promise<import('node:http').Server>}
 */
export function startJsonServer(port, handle) {
  const server = createServer((req, res) => {
    /** @type {Reply} */
    const reply = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(value ?? {}))
    }
    const answer = async () => {
      let body = ''
      for await (const chunk of req) body += chunk
      const url = new URL(req.url ?? '/', 'http://stand-in')
      await handle({ method: req.method ?? 'GET', url, body, headers: req.headers }, reply)
    }
    // A request it cannot take (a body that is not JSON) is answered 500: as an async listener's
    // rejection nobody handles, it would end the process, and the tests with it.
    answer().catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: String(error) }))
    })
  })
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)))
}
