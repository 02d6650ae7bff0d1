// @ts-check
// Runs in Node before the workerd tests: the data platform the queue consumer delivers to,
// Turnstile's siteverify (on a free port, given to the tests as inject('turnstileVerifyUrl')),
// and the SMS gateway the verification codes go to.
import { startDataPlatform } from './data-platform.mjs'
import { startSmsGateway } from './sms-gateway.mjs'
import { startTurnstile } from './turnstile.mjs'

// DATA_PLATFORM_PORT lets two checkouts run their tests at once on one machine.
export const DATA_PLATFORM_PORT = Number(process.env.DATA_PLATFORM_PORT ?? 8796)
// The stand-in SMS gateway the verification codes go to; the tests read the codes from it.
export const SMS_GATEWAY_PORT = Number(process.env.SMS_GATEWAY_PORT ?? 8799)

/** @param {{ provide: (key: string, value: string) => void }} project vitest's TestProject */
export default async function (project) {
  const server = await startDataPlatform(DATA_PLATFORM_PORT)
  const sms = await startSmsGateway(SMS_GATEWAY_PORT)
  const siteverify = await startTurnstile(0)
  const address = siteverify.address()
  project.provide(
    'turnstileVerifyUrl',
    `http://127.0.0.1:${typeof address === 'object' ? address?.port : 0}/siteverify`,
  )
  return async () => {
    siteverify.closeAllConnections()
    await Promise.all([siteverify, sms, server].map((s) => new Promise((resolve) => s.close(resolve))))
  }
}
