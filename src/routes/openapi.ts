import { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/app-env'
import { ApiError, codesWithStatus, describeZodError, ERRORS } from '../errors'
import { ErrorSchema } from '../schemas'

/** A router whose zod failures all become one 400 VALIDATION_FAILED naming the field. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ApiError('VALIDATION_FAILED', describeZodError(result.error))
    },
  })
}

/** What a status means here: every catalogue code it can carry, with its default message. */
const describeStatus = (status: number) =>
  codesWithStatus(status)
    .map((code) => `${code}: ${ERRORS[code].message}`)
    .join('; ')

/** OpenAPI entries for the error responses a route can give, all in the contract's body. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: describeStatus(s), content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  )
}

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } })

// Security requirements, by the names of the schemes src/index.ts registers. Every route
// states one (test/contract/api-doc.test.ts): `security: none` for those that take no credential.
type Security = Record<string, string[]>[]
export const none: Security = []
export const bearer: Security = [{ bearerAuth: [] }]
export const bearerAndQueueToken: Security = [{ bearerAuth: [], queueToken: [] }]
/** A payment: of a hold made in line with its queue token; of a waitlist offer with the access token alone. */
export const bearerWithQueueTokenOrAlone: Security = [{ bearerAuth: [], queueToken: [] }, { bearerAuth: [] }]
/** The queue token alone, or with the user's access token (checked against the token's user when given). */
export const queueTokenWithOptionalBearer: Security = [{ queueToken: [] }, { bearerAuth: [], queueToken: [] }]
/** A socket and an event stream carry the queue token in their query: browsers set no headers on either. */
export const queueTokenInQuery: Security = [{ queueTokenInQuery: [] }]
export const adminToken: Security = [{ adminToken: [] }]
export const scannerToken: Security = [{ scannerToken: [] }]
