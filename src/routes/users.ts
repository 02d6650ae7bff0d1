import { createRoute } from '@hono/zod-openapi'
import { requireUser } from '../auth/middleware'
import { signAccessToken } from '../auth/tokens'
import { limitPerAddress } from '../http/address-limit'
import { requestVerification } from '../identity/verification'
import { charge, createUser, getBalance } from '../ledger/accounts'
import { confirmVerification, profileOf } from '../ledger/identity'
import { paymentsOf, paymentSeatNumbers } from '../ledger/payments'
import {
  Balance,
  ChargeBody,
  ConfirmedReservations,
  CreateUserBody,
  IdempotencyHeader,
  Profile,
  UserCreated,
  VerificationBody,
  VerificationConfirmBody,
  VerificationConfirmed,
  VerificationStarted,
} from '../schemas'
import { bearer, errorResponses, json, jsonBody, newRouter, none } from './openapi'

export const users = newRouter()

users.openapi(
  createRoute({
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    tags: ['Users'],
    summary: 'Create a user and get an access token',
    security: none,
    middleware: [limitPerAddress('signup')] as const,
    request: { body: { required: false, content: { 'application/json': { schema: CreateUserBody } } } },
    responses: {
      201: json(UserCreated, 'The new user and their access token'),
      ...errorResponses(400, 413, 429),
    },
  }),
  async (c) => {
    const body = c.req.valid('json') ?? {}
    const userId = await createUser(c.env.DB, body.name)
    return c.json({ userId, accessToken: await signAccessToken(userId, c.env.AUTH_SECRET) }, 201)
  },
)

users.openapi(
  createRoute({
    method: 'get',
    path: '/api/users/me/balance',
    operationId: 'getBalance',
    tags: ['Users'],
    summary: 'Current prepaid balance',
    security: bearer,
    middleware: [requireUser] as const,
    responses: { 200: json(Balance, 'The balance'), ...errorResponses(401) },
  }),
  async (c) => c.json(await getBalance(c.env.DB, c.get('userId')), 200),
)

users.openapi(
  createRoute({
    method: 'post',
    path: '/api/users/me/balance/charges',
    operationId: 'chargeBalance',
    tags: ['Users'],
    summary: 'Add money to the balance (atomic; Idempotency-Key makes a retry apply once)',
    security: bearer,
    middleware: [requireUser] as const,
    request: { headers: IdempotencyHeader, body: jsonBody(ChargeBody) },
    responses: { 200: json(Balance, 'The balance after the charge'), ...errorResponses(400, 401, 409, 413) },
  }),
  async (c) => {
    const { amount } = c.req.valid('json')
    const key = c.req.valid('header')['idempotency-key']
    return c.json(await charge(c.env.DB, c.get('userId'), amount, key), 200)
  },
)

users.openapi(
  createRoute({
    method: 'get',
    path: '/api/users/me/reservations',
    operationId: 'listReservations',
    tags: ['Users'],
    summary: 'Paid orders of the user (one entry per order; refunded ones are not listed)',
    security: bearer,
    middleware: [requireUser] as const,
    responses: { 200: json(ConfirmedReservations, 'Paid seats, newest first'), ...errorResponses(401) },
  }),
  async (c) => {
    const rows = await paymentsOf(c.env.DB, c.get('userId'))
    return c.json(
      {
        reservations: rows.map((p) => ({
          reservationId: p.reservationId,
          paymentId: p.id,
          concertId: p.concertId,
          date: p.date,
          seatNumber: p.seatNumber,
          seatNumbers: paymentSeatNumbers(p),
          price: p.amount,
          status: 'PAID' as const,
          paidAt: p.paidAt,
        })),
      },
      200,
    )
  },
)

// --- verified identity: the phone is never returned, nor stored in clear (src/ledger/identity.ts) ---

users.openapi(
  createRoute({
    method: 'get',
    path: '/api/users/me',
    operationId: 'getMe',
    tags: ['Users'],
    summary: 'Who the user is, and whether a phone verifies the account',
    security: bearer,
    middleware: [requireUser] as const,
    responses: { 200: json(Profile, 'The user'), ...errorResponses(401) },
  }),
  async (c) => c.json(await profileOf(c.env.DB, c.get('userId')), 200),
)

users.openapi(
  createRoute({
    method: 'post',
    path: '/api/users/me/verification',
    operationId: 'startVerification',
    tags: ['Users'],
    summary: 'Send a 6-digit code to a phone (E.164), valid 10 minutes',
    description:
      'At most 3 codes per phone in 10 minutes (429 RATE_LIMITED with Retry-After). A phone that verifies another ' +
      'account: 409 IDENTITY_IN_USE. When the SMS gateway does not take the code: 503 TRY_AGAIN, and no verification is left.',
    security: bearer,
    middleware: [requireUser, limitPerAddress('verification')] as const,
    request: { body: jsonBody(VerificationBody) },
    responses: {
      201: json(VerificationStarted, 'The code was sent'),
      ...errorResponses(400, 401, 409, 413, 415, 429, 503),
    },
  }),
  async (c) => {
    const { phone } = c.req.valid('json')
    c.header('Cache-Control', 'no-store')
    return c.json(await requestVerification(c.env, c.get('userId'), phone), 201)
  },
)

users.openapi(
  createRoute({
    method: 'post',
    path: '/api/users/me/verification/confirm',
    operationId: 'confirmVerification',
    tags: ['Users'],
    summary: 'Confirm the code: the phone then verifies this account',
    description:
      'A wrong code: 400 VERIFICATION_FAILED; after 5 tries the verification is void (400 for every later confirm). ' +
      "Past expiresAt: 410 VERIFICATION_EXPIRED. Another account's verification: 404. A phone another account " +
      'confirmed first: 409 IDENTITY_IN_USE.',
    security: bearer,
    middleware: [requireUser] as const,
    request: { body: jsonBody(VerificationConfirmBody) },
    responses: {
      200: json(VerificationConfirmed, 'The account is verified'),
      ...errorResponses(400, 401, 404, 409, 410, 413, 415),
    },
  }),
  async (c) => {
    const { verificationId, code } = c.req.valid('json')
    const userId = c.get('userId')
    await confirmVerification(c.env.DB, c.env.PHONE_HASH_KEY, userId, verificationId, code)
    return c.json({ userId, verified: true as const }, 200)
  },
)
