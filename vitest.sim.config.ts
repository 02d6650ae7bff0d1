import { defineConfig } from 'vitest/config'
import { workersPlugin, workersTestOptions } from './vitest.workers'

// `npm run sim:sale` (sim/sale.mjs): the seeded simulation of the sale, in the same workerd as
// the tests but apart from `npm test`. sim/sale.mjs passes its arguments as SIM_* variables.
export default defineConfig(async () => ({
  plugins: [await workersPlugin()],
  test: {
    ...workersTestOptions,
    include: ['sim/sale/**/*.sim.ts'],
    // One history after another; a long run is one test that lasts as long as its steps.
    testTimeout: 0,
    provide: {
      simOptions: {
        seed: Number(process.env.SIM_SEED ?? Date.now() % 2 ** 31),
        steps: Number(process.env.SIM_STEPS ?? 0),
        histories: Number(process.env.SIM_HISTORIES ?? 0),
        path: process.env.SIM_PATH ?? '',
        replayPath: process.env.SIM_REPLAY_PATH ?? '',
      },
    },
  },
}))
