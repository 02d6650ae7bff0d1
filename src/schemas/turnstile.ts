import { z } from '@hono/zod-openapi'

// --- Turnstile at the queue entry (src/http/turnstile.ts) ---

/** Cloudflare's documented longest token. */
export const MAX_TURNSTILE_TOKEN = 2048

export const TurnstileHeader = z.object({
  'x-turnstile-token': z
    .string()
    .min(1)
    .max(MAX_TURNSTILE_TOKEN)
    .regex(/^[\x21-\x7e]+$/, 'expected a Turnstile token: printable ASCII without spaces')
    .optional()
    .openapi({
      description:
        "The token Cloudflare's Turnstile widget gave the page. Required (403 TURNSTILE_REQUIRED / TURNSTILE_FAILED) " +
        'only while the service has TURNSTILE_SECRET_KEY set (GET /api/turnstile says so); each token is good for one entry.',
    }),
})

export const TurnstileSettings = z
  .object({
    required: z.boolean().openapi({ description: 'Whether a queue entry needs X-Turnstile-Token' }),
    siteKey: z
      .string()
      .nullable()
      .openapi({ description: "The site key to render Cloudflare's widget with; null when Turnstile is off" }),
  })
  .openapi('TurnstileSettings')
