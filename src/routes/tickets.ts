import { createRoute } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import { requireUser, type UserVariables } from '../auth/middleware'
import { ApiError, describeZodError } from '../errors'
import type { TicketRow } from '../ledger/tickets'
import { TicketCode, TicketKeys, TicketList, TicketParams, TicketTransferred, TransferBody } from '../schemas'
import { codeFor, ownTicket, ticketsOf, transfer } from '../tickets/holders'
import { ticketKeys } from '../tickets/signing-keys'
import { bearer, errorResponses, json, jsonBody, newRouter, none } from './openapi'

export const tickets = newRouter()

/**
 * The caller's own ticket (404 for another's), found before the body is read: the contract
 * puts the right to the resource and its existence before the body (API.md, Additions 2026-12-b).
 */
const ownTicketFirst = createMiddleware<{ Bindings: Env; Variables: UserVariables & { ticket: TicketRow } }>(
  async (c, next) => {
    const params = TicketParams.safeParse(c.req.param())
    if (!params.success) throw new ApiError('VALIDATION_FAILED', describeZodError(params.error))
    c.set('ticket', await ownTicket(c.env, c.get('userId'), params.data.ticketId))
    await next()
  },
)

tickets.openapi(
  createRoute({
    method: 'get',
    path: '/api/users/me/tickets',
    operationId: 'listTickets',
    tags: ['Tickets'],
    summary:
      'The tickets the user holds now: one per paid seat, bought or received (refunded or given away: not listed)',
    security: bearer,
    middleware: [requireUser] as const,
    responses: { 200: json(TicketList, 'The tickets'), ...errorResponses(401) },
  }),
  async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ tickets: await ticketsOf(c.env, c.get('userId')) }, 200)
  },
)

tickets.openapi(
  createRoute({
    method: 'get',
    path: '/api/users/me/tickets/{ticketId}/code',
    operationId: 'getTicketCode',
    tags: ['Tickets'],
    summary: "A code of the ticket to show at the gate (a QR code's content), valid 30 s",
    description:
      'A compact JWS (EdDSA, Ed25519, header kid) of {tid, cid, date, seat, v, exp}; check it with GET /api/tickets/keys (docs/tickets.md).',
    security: bearer,
    middleware: [requireUser, ownTicketFirst] as const,
    request: { params: TicketParams },
    responses: { 200: json(TicketCode, 'The code'), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { code, exp } = await codeFor(c.env, c.get('ticket'))
    c.header('Cache-Control', 'no-store')
    return c.json({ code, expiresAt: new Date(exp * 1000).toISOString() }, 200)
  },
)

tickets.openapi(
  createRoute({
    method: 'post',
    path: '/api/users/me/tickets/{ticketId}/transfer',
    operationId: 'transferTicket',
    tags: ['Tickets'],
    summary:
      "Give a ticket to another user: it leaves the sender's list, and codes made before no longer pass the gate",
    description:
      "The recipient's maxTicketsPerUser is counted (409 TICKET_LIMIT_REACHED); a concert with requireVerifiedIdentity needs a verified recipient (403 VERIFICATION_REQUIRED); a checked-in ticket: 409 TICKET_NOT_VALID.",
    security: bearer,
    middleware: [requireUser, ownTicketFirst] as const,
    request: { params: TicketParams, body: jsonBody(TransferBody) },
    responses: {
      201: json(TicketTransferred, 'Transferred'),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
    },
  }),
  async (c) => {
    const { toUserId } = c.req.valid('json')
    const done = await transfer(c.env, c.get('userId'), c.get('ticket'), toUserId)
    return c.json({ ticketId: done.ticketId, toUserId: done.toUserId, transferredAt: done.transferredAt }, 201)
  },
)

tickets.openapi(
  createRoute({
    method: 'get',
    path: '/api/tickets/keys',
    operationId: 'getTicketKeys',
    tags: ['Tickets'],
    summary: "The public keys of ticket codes (a JWKS): a gate checks a code's signature with them, offline too",
    security: none,
    responses: { 200: json(TicketKeys, 'The keys, the current one first') },
  }),
  async (c) => {
    // A rotation lists the new key beside the old one before it signs (docs/tickets.md): five minutes of cache is safe.
    c.header('Cache-Control', 'public, max-age=300')
    return c.json({ keys: (await ticketKeys(c.env)).jwks }, 200)
  },
)
