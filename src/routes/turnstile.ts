import { createRoute } from '@hono/zod-openapi'
import { TurnstileSettings } from '../schemas'
import { json, newRouter, none } from './openapi'

export const turnstile = newRouter()

turnstile.openapi(
  createRoute({
    method: 'get',
    path: '/api/turnstile',
    operationId: 'getTurnstileSettings',
    tags: ['Service'],
    summary: "Whether queue entries need a Turnstile token, and the site key of Cloudflare's widget",
    security: none,
    responses: { 200: json(TurnstileSettings, 'The settings in force') },
  }),
  (c) => {
    const required = Boolean(c.env.TURNSTILE_SECRET_KEY)
    c.header('Cache-Control', 'public, max-age=60')
    return c.json({ required, siteKey: required ? c.env.TURNSTILE_SITE_KEY || null : null }, 200)
  },
)
