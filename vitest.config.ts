import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations')
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            AUTH_SECRET: 'test-auth-secret-0123456789abcdef0123456789abcdef',
            ADMIN_TOKEN: 'test-admin-token',
          },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      setupFiles: ['./test/apply-migrations.ts'],
      testTimeout: 30_000,
      // The service logs a JSON line per request and per sale event (test/observability.test.ts
      // reads them); keep them out of the test report unless they are errors.
      onConsoleLog: (log: string) => !log.startsWith('{"level":"info"'),
    },
  }
})
