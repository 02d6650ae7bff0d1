import { describe, expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { ERRORS, type ErrorCode } from '../../src/errors'
import { call } from '../helpers'

// One list of error codes (src/errors/catalogue.ts). The OpenAPI document and the README say
// what it says; these tests fail when either drifts from it.

const catalogue = Object.entries(ERRORS)
  .map(([code, { status }]) => `${code} ${status}`)
  .sort()

describe('the error catalogue', () => {
  it("is the README's list of codes, with the same statuses", () => {
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => `${code} ${status}`)
    expect(rows.sort()).toEqual(catalogue)
  })

  it("is what the OpenAPI document's error responses list, status by status", async () => {
    const { body } = await call('GET', '/openapi.json')
    const described = new Map<string, string>()
    type Operation = { responses: Record<string, { description: string }> }
    const operations = Object.values(body.paths as Record<string, Record<string, Operation>>).flatMap((ops) =>
      Object.values(ops),
    )
    for (const operation of operations) {
      for (const [status, { description }] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) described.set(status, description)
      }
    }
    expect(described.size).toBeGreaterThan(5)
    for (const [status, description] of described) {
      const codes = [...description.matchAll(/([A-Z_]+): /g)].map(([, code]) => code as ErrorCode)
      expect(codes.length, `status ${status}`).toBeGreaterThan(0)
      expect(codes.map((code) => `${code} ${status}`).sort()).toEqual(
        catalogue.filter((row) => row.endsWith(` ${status}`)),
      )
      for (const code of codes) expect(description).toContain(ERRORS[code].message)
    }
  })

  it('gives every failure its status from the catalogue', async () => {
    const replies = [
      [await call('GET', `/api/concerts/${crypto.randomUUID()}/dates`), 'CONCERT_NOT_FOUND'],
      [await call('GET', '/api/concerts/nope/dates'), 'VALIDATION_FAILED'],
      [await call('GET', '/api/users/me/balance'), 'UNAUTHORIZED'],
      [await call('GET', '/api/nope'), 'NOT_FOUND'],
    ] as const
    for (const [reply, code] of replies)
      expect([reply.status, reply.body.error.code]).toEqual([ERRORS[code].status, code])
  })
})
