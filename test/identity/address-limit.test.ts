import { describe, expect, it } from 'vitest'
import { addressKey } from '../../src/http/address-limit'
import { call, expectError, newUser, sleep } from '../helpers'
import { newPhone, smsTo } from './identity-helpers'

// Per-address limits (src/http/address-limit.ts), with the SIGNUP_LIMITER binding as wrangler.toml
// has it: 10 accounts per address per 60 s. Every other test creates its users without
// CF-Connecting-IP, which is not counted; these send one.

const LIMIT = 10

/** An address of TEST-NET-2 of its own, so that no other run of this file shares its count. */
const someAddress = () => `198.51.100.${1 + Math.floor(Math.random() * 254)}`

const signUp = (ip?: string) =>
  call('POST', '/api/users', { body: { name: 'fan' }, headers: ip ? { 'cf-connecting-ip': ip } : {} })

/** Wait for a fresh 60 s window when the current one has less than 10 s left. */
async function freshWindow() {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < 10_000) await sleep(left + 50)
}

describe('addressKey', () => {
  it('counts IPv4 by the address, IPv6 by its /64, and lets loopback through', () => {
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:DB8:1:2::abcd')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    for (const loopback of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(addressKey(loopback), loopback).toBeNull()
    // Never thrown by odd input (only a local client can send any; Cloudflare sets the header).
    for (const odd of ['', 'x', ':::::', '1:2:3:4:5:6:7:8:9::1', 'x'.repeat(500)])
      expect(() => addressKey(odd)).not.toThrow()
  })
})

describe('account creation per address', () => {
  it('answers 429 RATE_LIMITED with Retry-After past 10 accounts a minute from one address; another is unaffected', async () => {
    await freshWindow()
    const ip = someAddress()
    const replies = []
    for (let i = 0; i <= LIMIT + 1; i++) replies.push(await signUp(ip))
    expect(replies.slice(0, LIMIT).map((r) => r.status)).toEqual(Array(LIMIT).fill(201))
    for (const r of replies.slice(LIMIT)) {
      expectError(r, 429, 'RATE_LIMITED')
      const retryAfter = Number(r.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
    }
    // Another address, and requests without one (tests, direct calls) are not affected.
    expect((await signUp(ip.replace(/\.\d+$/, '.255'))).status).toBe(201)
    expect((await signUp()).status).toBe(201)
  })

  it('counts an IPv6 /64 as one address', async () => {
    await freshWindow()
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`
    for (let i = 1; i <= LIMIT; i++) expect((await signUp(`${prefix}::${i.toString(16)}`)).status).toBe(201)
    expectError(await signUp(`${prefix}:1:2:3:4`), 429, 'RATE_LIMITED')
    expect((await signUp(`${prefix.replace(/:7$/, ':8')}::1`)).status).toBe(201)
  })

  it('does not count loopback: npm start and bench/ from 127.0.0.1 create as many users as they like', async () => {
    const replies = await Promise.all(
      Array.from({ length: 3 * LIMIT }, (_, i) => signUp(i % 2 === 0 ? '127.0.0.1' : '::1')),
    )
    expect(replies.map((r) => r.status)).toEqual(Array(3 * LIMIT).fill(201))
  })
})

describe('verification requests per address', () => {
  it('answers 429 RATE_LIMITED past 5 a minute from one address, sending no code; another address is unaffected', async () => {
    await freshWindow()
    const ip = someAddress()
    const user = await newUser()
    const ask = (phone: string, from: string) =>
      call('POST', '/api/users/me/verification', {
        accessToken: user.accessToken,
        body: { phone },
        headers: { 'cf-connecting-ip': from },
      })
    // A phone of its own each time: the per-phone limit (3 in 10 minutes) stays out of the way.
    for (let i = 0; i < 5; i++) expect((await ask(newPhone(), ip)).status).toBe(201)
    const refusedPhone = newPhone()
    expectError(await ask(refusedPhone, ip), 429, 'RATE_LIMITED')
    expect(await smsTo(refusedPhone)).toEqual([])
    expect((await ask(newPhone(), ip.replace(/\.\d+$/, '.255'))).status).toBe(201)
  })
})
