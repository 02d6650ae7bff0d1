import type { D1Migration } from '@cloudflare/vitest-plugin'

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[]
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The siteverify stand-in of test/support/turnstile.mjs (test/support/global-setup.mjs). */
    turnstileVerifyUrl: string
  }
}
