import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

// Idempotent: the migrations table records what already ran.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
