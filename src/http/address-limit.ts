import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './app-env'
import { ApiError } from '../errors'
import { secondsLeftInWindow } from './load-shedding'

/** Each action's Workers rate limiting binding and its period (wrangler.toml [[ratelimits]]). */
const LIMITERS = {
  signup: { binding: 'SIGNUP_LIMITER', periodSeconds: 60 },
  verification: { binding: 'VERIFICATION_LIMITER', periodSeconds: 60 },
} as const satisfies Record<string, { binding: keyof Env; periodSeconds: 10 | 60 }>

export type AddressAction = keyof typeof LIMITERS

/**
 * What one address is counted as: an IPv4 address itself, an IPv6 address by its /64 (one
 * home or phone is given a whole /64), an IPv4-mapped IPv6 address as its IPv4 address. Null
 * for a loopback address: only a local run (`npm start`, bench/) sees one, never Cloudflare.
 */
export function addressKey(ip: string): string | null {
  const address = ip.trim().toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1]
  const v4 = mapped ?? (/^\d+\.\d+\.\d+\.\d+$/.test(address) ? address : null)
  if (v4) return v4.startsWith('127.') ? null : v4
  if (!address.includes(':')) return address.slice(0, 64)
  const [head = '', tail] = address.split('::', 2) as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  if (groups.length === 8 && groups.every((g, i) => Number.parseInt(g, 16) === (i === 7 ? 1 : 0))) return null // ::1
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`
}

/**
 * Requests of one action from one address (CF-Connecting-IP), counted by the Workers rate
 * limiting binding of that action, per Cloudflare location: past its limit 429 RATE_LIMITED with
 * Retry-After. A request without CF-Connecting-IP, or from a loopback address, is not counted:
 * on Cloudflare every request from the Internet carries the client's address, so only a local
 * run (the tests, `npm start`, bench/ from 127.0.0.1) is let through.
 */
export const limitPerAddress = (action: AddressAction) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const ip = c.req.header('cf-connecting-ip')
    const key = ip ? addressKey(ip) : null
    if (key === null) return next()
    const { binding, periodSeconds } = LIMITERS[action]
    const { success } = await c.env[binding].limit({ key: `${action}:${key}` })
    if (!success) {
      const retryAfter = secondsLeftInWindow(periodSeconds)
      throw new ApiError('RATE_LIMITED', `Too many attempts from this address; retry in ${retryAfter} s`, {
        'Retry-After': String(retryAfter),
      })
    }
    await next()
  })
