// @ts-check
// Runs in Node before the workerd tests: the data platform the queue consumer delivers to.
import { startDataPlatform } from './data-platform.mjs'

// DATA_PLATFORM_PORT lets two checkouts run their tests at once on one machine.
export const DATA_PLATFORM_PORT = Number(process.env.DATA_PLATFORM_PORT ?? 8796)

export default async function () {
  const server = await startDataPlatform(DATA_PLATFORM_PORT)
  return () => new Promise((resolve) => server.close(resolve))
}
