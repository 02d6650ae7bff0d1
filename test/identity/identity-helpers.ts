import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import { call, type User } from '../helpers'

// Verified identity through the Worker, the codes read from the stand-in SMS gateway
// (test/support/sms-gateway.mjs) as a phone would receive them.

const gateway = new URL(env.SMS_WEBHOOK_URL).origin

/** A phone number no other test uses: +8210 and 8 random digits. */
export const newPhone = () =>
  `+8210${String(crypto.getRandomValues(new Uint32Array(1))[0]! % 100_000_000).padStart(8, '0')}`

type Sms = { to: string; code: string; message: string; at: string }

export async function smsTo(phone: string): Promise<Sms[]> {
  const res = await fetch(`${gateway}/messages?to=${encodeURIComponent(phone)}`)
  return (await res.json<{ messages: Sms[] }>()).messages
}

/** The last code the phone received. */
export const lastCode = async (phone: string) => (await smsTo(phone)).at(-1)!.code

export async function setGateway(phone: string, mode: 'ok' | 'down') {
  await fetch(`${gateway}/control`, { method: 'POST', body: JSON.stringify({ to: phone, mode }) })
}

export const askCode = (user: Pick<User, 'accessToken'>, phone: string) =>
  call('POST', '/api/users/me/verification', { accessToken: user.accessToken, body: { phone } })

export const confirmCode = (user: Pick<User, 'accessToken'>, verificationId: string, code: string) =>
  call('POST', '/api/users/me/verification/confirm', { accessToken: user.accessToken, body: { verificationId, code } })

/** Verifies the user with a new phone (or the one given), through the gateway. */
export async function verifyUser(user: Pick<User, 'accessToken'>, phone = newPhone()) {
  const asked = await askCode(user, phone)
  expect(asked.status, JSON.stringify(asked.body)).toBe(201)
  const confirmed = await confirmCode(user, asked.body.verificationId, await lastCode(phone))
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200)
  return phone
}

/** A code that is not the right one. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

/** Every row of the identity tables, to prove that a refused request changed nothing. */
export async function identityState() {
  const [verifications, identities] = await Promise.all([
    env.DB.prepare('SELECT * FROM phone_verifications ORDER BY id').all(),
    env.DB.prepare('SELECT * FROM identities ORDER BY user_id').all(),
  ])
  return { verifications: verifications.results, identities: identities.results }
}
