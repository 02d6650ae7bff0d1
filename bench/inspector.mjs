// @ts-check
// The DevTools protocol over the runtime's inspector socket: enough for CPU profiles.
import WebSocket from 'ws'

/** @param {string} url */
export function connect(url) {
  const ws = new WebSocket(url)
  let id = 0
  const pending = new Map()
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data))
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg.result)
      pending.delete(msg.id)
    }
  })
  return new Promise((resolve) =>
    ws.on('open', () =>
      resolve({
        /** @param {string} method */
        call: (method, params = {}) =>
          new Promise((done) => {
            pending.set(++id, done)
            ws.send(JSON.stringify({ id, method, params }))
          }),
        close: () => ws.close(),
      }),
    ),
  )
}

/** The Worker's isolate (its objects run there too, locally), profiling at 200 µs. */
export async function profilerOf(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()
  const target =
    targets.find((t) => t.id.includes('core:user:main')) ??
    targets.find((t) => t.id.includes('core:user')) ??
    targets[0]
  const inspector = /** @type {any} */ (await connect(target.webSocketDebuggerUrl))
  await inspector.call('Profiler.enable')
  await inspector.call('Profiler.setSamplingInterval', { interval: 200 })
  return inspector
}
