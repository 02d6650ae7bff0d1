import { exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { VerificationBody, VerificationConfirmBody } from '../../src/schemas'
import { newUser } from '../helpers'
import { askCode, identityState, lastCode, newPhone } from './identity-helpers'

// The verified-identity routes under random input, as test/contract/hostile-input.test.ts does for the
// others: whatever arrives, a 4xx in the contract's error body (never a 5xx), and afterwards
// the identity tables are exactly as they were (no code sent, no try counted, nobody verified).

const RUNS = 60

let accessToken: string
let verificationId: string

const printable = (maxLength: number) =>
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength }).map((codes) => String.fromCharCode(...codes))
const accepts = (schema: z.ZodType, text: string) => {
  try {
    return schema.safeParse(JSON.parse(text)).success
  } catch {
    return false
  }
}
/** Phones that look almost right: digits, pluses, spaces, dashes, too short or too long. */
const nearPhone = fc
  .array(fc.constantFrom('+', '0', '1', '8', '2', ' ', '-', '(', ')', '９', 'e'), { maxLength: 20 })
  .map((parts) => parts.join(''))
/** Bodies of every shape, well-formed JSON or not, that the route's schema refuses. */
const invalidBody = (schema: z.ZodType, fields: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fields.map((v) => JSON.stringify(v)),
      fc.string(),
      fc.constantFrom('{', '{"phone":', '[]', 'null', '\u0000', '{"phone":1e400}', '{"code":"00000０"}'),
    )
    .filter((text) => !accepts(schema, text))
const headers = () => ({ authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' })

const routes: Array<
  [string, () => fc.Arbitrary<{ method: string; path: string; body?: string; headers: Record<string, string> }>]
> = [
  [
    'GET /api/users/me (credentials)',
    () => printable(300).map((auth) => ({ method: 'GET', path: '/api/users/me', headers: { authorization: auth } })),
  ],
  [
    'POST /api/users/me/verification',
    () =>
      invalidBody(VerificationBody, fc.record({ phone: fc.oneof(nearPhone, fc.anything()) }, { requiredKeys: [] })).map(
        (body) => ({ method: 'POST', path: '/api/users/me/verification', body, headers: headers() }),
      ),
  ],
  [
    'POST /api/users/me/verification/confirm',
    () =>
      invalidBody(
        VerificationConfirmBody,
        fc.record(
          {
            verificationId: fc.oneof(fc.constant(verificationId), fc.string(), fc.anything()),
            code: fc.oneof(printable(8), fc.integer(), fc.anything()),
          },
          { requiredKeys: [] },
        ),
      ).map((body) => ({ method: 'POST', path: '/api/users/me/verification/confirm', body, headers: headers() })),
  ],
  [
    'POST /api/users/me/verification (credentials)',
    () =>
      printable(300).map((auth) => ({
        method: 'POST',
        path: '/api/users/me/verification',
        body: JSON.stringify({ phone: newPhone() }),
        headers: { authorization: auth, 'content-type': 'application/json' },
      })),
  ],
  [
    'POST /api/users/me/verification/confirm (credentials)',
    () =>
      printable(300).map((auth) => ({
        method: 'POST',
        path: '/api/users/me/verification/confirm',
        body: JSON.stringify({ verificationId, code: '000000' }),
        headers: { authorization: auth, 'content-type': 'application/json' },
      })),
  ],
]

describe('hostile input to the identity routes', () => {
  let before: Awaited<ReturnType<typeof identityState>>
  beforeAll(async () => {
    const user = await newUser()
    accessToken = user.accessToken
    const phone = newPhone()
    verificationId = (await askCode(user, phone)).body.verificationId
    await lastCode(phone)
    before = await identityState()
  })

  it.each(routes)('%s: a 4xx in the error body, never a 5xx', async (_, attempts) => {
    await fc.assert(
      fc.asyncProperty(attempts(), async (attempt) => {
        const res = await exports.default.fetch(
          new Request(`http://tickets.test${attempt.path}`, {
            method: attempt.method,
            headers: attempt.headers,
            body: attempt.body,
          }),
        )
        const text = await res.text()
        if (res.status < 400 || res.status >= 500)
          throw new Error(`${res.status} for ${JSON.stringify(attempt).slice(0, 500)}: ${text.slice(0, 300)}`)
        expect(JSON.parse(text)).toEqual({
          error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) },
        })
      }),
      { numRuns: RUNS },
    )
  })

  it('left the identity tables exactly as they were', async () => {
    expect(await identityState()).toEqual(before)
  })
})
