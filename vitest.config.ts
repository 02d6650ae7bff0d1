import { defineConfig } from 'vitest/config'
import { workersPlugin, workersTestOptions } from './vitest.workers'

export default defineConfig(async () => ({
  plugins: [await workersPlugin()],
  test: {
    ...workersTestOptions,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
}))
