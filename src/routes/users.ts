import { createRoute } from '@hono/zod-openapi'
import { requireUser } from '../auth/middleware'
import { signAccessToken } from '../auth/tokens'
import { limitPerAddress } from '../http/address-limit'
import { charge, createUser, getBalance } from '../ledger/accounts'
import { paymentsOf, paymentSeatNumbers } from '../ledger/payments'
import { Balance, ChargeBody, ConfirmedReservations, CreateUserBody, IdempotencyHeader, UserCreated } from '../schemas'
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
