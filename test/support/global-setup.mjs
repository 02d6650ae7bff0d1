// @ts-check
// Runs in Node before the workerd tests: the data platform the queue consumer delivers to, and
// Turnstile's siteverify (on a free port, given to the tests as inject('turnstileVerifyUrl')).
import { startDataPlatform } from './data-platform.mjs'
import { startTurnstile } from './turnstile.mjs'

// DATA_PLATFORM_PORT lets two checkouts run their tests at once on one machine.
export const DATA_PLATFORM_PORT = Number(process.env.DATA_PLATFORM_PORT ?? 8796)

/** @param {{ provide: (key: string, value: string) => void }} project vitest's TestProject */
export default async function (project) {
  const server = await startDataPlatform(DATA_PLATFORM_PORT)
  const siteverify = await startTurnstile(0)
  const address = siteverify.address()
  project.provide(
    'turnstileVerifyUrl',
    `http://127.0.0.1:${typeof address === 'object' ? address?.port : 0}/siteverify`,
  )
  return async () => {
    siteverify.closeAllConnections()
    await new Promise((resolve) => siteverify.close(resolve))
    await new Promise((resolve) => server.close(resolve))
  }
}
