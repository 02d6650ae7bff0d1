import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { DATA_PLATFORM_PORT, SMS_GATEWAY_PORT } from './test/support/global-setup.mjs'

// What the test suite (vitest.config.ts) and the seeded sale simulation (vitest.sim.config.ts)
// share: the Worker from wrangler.toml in workerd, its secrets and the stand-ins it talks to.

/** The sale-events consumer's max_retries here (wrangler.toml has Queues' most, 100). */
const TEST_MAX_RETRIES = 5

export async function workersPlugin() {
  const migrations = await readD1Migrations('./migrations')
  return cloudflareTest({
    wrangler: { configPath: './wrangler.toml' },
    miniflare: {
      bindings: {
        TEST_MIGRATIONS: migrations,
        AUTH_SECRET: 'test-auth-secret-0123456789abcdef0123456789abcdef',
        ADMIN_TOKEN: 'test-admin-token',
        PHONE_HASH_KEY: 'test-phone-hash-key-0123456789abcdef0123456789',
        // Ticket codes' keys (docs/tickets.md): a test key that signs, and a previous one still accepted, as during a rotation.
        TICKET_SIGNING_KEY:
          '{"crv":"Ed25519","d":"1tiDf4JwREuyOubh2MXBzY65Pvx77KSvQR9oqBHz8G0","x":"BhSGzKL4nYsml8yFt7SGdkdCP3xd5nOM8PHwrMWQaFU","kty":"OKP","kid":"test-2026-12"}',
        TICKET_SIGNING_KEY_PREVIOUS:
          '{"crv":"Ed25519","d":"4F75rAGwS9nfxBvZvj1aHnqC8vCzgi2l3UBEmon5MC0","x":"b36On0tDhxoL-XK0gsO0_vbS5onmGZUUuaLZjOnykrQ","kty":"OKP","kid":"test-previous"}',
        // The stand-in SMS gateway of test/support/global-setup.mjs: the tests read the codes from it.
        SMS_WEBHOOK_URL: `http://127.0.0.1:${SMS_GATEWAY_PORT}/sms`,
        // The stand-in platform of test/support/global-setup.mjs; retries without waiting.
        DATA_PLATFORM_URL: `http://127.0.0.1:${DATA_PLATFORM_PORT}/events`,
        EVENT_RETRY_BASE_SECONDS: '0',
        EVENT_MAX_RETRIES: String(TEST_MAX_RETRIES),
        // Tiny relays, so that the tests' sockets spread over many (test/fan-out/relays.test.ts).
        SOCKETS_PER_RELAY: '50',
        // Relays' tree two branches wide: most relays hear of a change from another (test/fan-out/relays.test.ts).
        RELAY_TREE_WIDTH: '2',
        // Small pages of the draw's order, so that the gates' tree of 95 entries goes in two pages a hop
        // (test/fan-out/gates.test.ts); pages of 10 made the pre-queue's draw of 20,000 wait ~17 s on 2,000 a hop.
        DRAW_ORDER_PAGE: '64',
      },
      // The sale-events consumer as in wrangler.toml but with 5 retries, not 100: a test that
      // dead-letters an event waits 6 batches of a second, not 101 (the schedule itself is
      // tested as a function, test/fan-out/retry-schedule.test.ts).
      queueConsumers: {
        'sale-events': {
          maxBatchSize: 100,
          maxBatchTimeout: 1,
          maxRetries: TEST_MAX_RETRIES,
          deadLetterQueue: 'sale-events-dead',
        },
      },
    },
  })
}

/** vitest's options both configurations share: the migrations, the stand-ins, the quiet log. */
export const workersTestOptions = {
  setupFiles: ['./test/apply-migrations.ts'],
  globalSetup: ['./test/support/global-setup.mjs'],
  // The service logs a JSON line per request, per sale event and per failed delivery
  // (test/fan-out/observability.test.ts reads them); keep them out of the report unless errors.
  onConsoleLog: (log: string) => !/^\{"level":"(info|warn)"/.test(log),
}
