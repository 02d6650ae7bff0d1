// @ts-check
// Runs in Node before the workerd tests: the data platform the queue consumer delivers to, and
// the SMS gateway the verification codes go to.
import { startDataPlatform } from './data-platform.mjs'
import { startSmsGateway } from './sms-gateway.mjs'

// DATA_PLATFORM_PORT lets two checkouts run their tests at once on one machine.
export const DATA_PLATFORM_PORT = Number(process.env.DATA_PLATFORM_PORT ?? 8796)
// The stand-in SMS gateway the verification codes go to; the tests read the codes from it.
export const SMS_GATEWAY_PORT = Number(process.env.SMS_GATEWAY_PORT ?? 8799)

export default async function () {
  const server = await startDataPlatform(DATA_PLATFORM_PORT)
  const sms = await startSmsGateway(SMS_GATEWAY_PORT)
  return () => Promise.all([server, sms].map((s) => new Promise((resolve) => s.close(resolve))))
}
