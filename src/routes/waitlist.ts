import { createRoute, z } from '@hono/zod-openapi'
import { requireUser } from '../auth/middleware'
import { readEntryPolicy } from '../http/entry-checks'
import { requireVerifiedIfAsked } from '../identity/verified-entry'
import {
  ConcertIdParam,
  WaitlistEntry,
  WaitlistEntryList,
  WaitlistIdParam,
  WaitlistJoinBody,
  WaitlistOptions,
} from '../schemas'
import { followWaitlist, joinWaitlist, leaveWaitlist, waitlistOf, waitlistOptions } from '../waitlist/entries'
import { bearer, errorResponses, json, jsonBody, newRouter, none } from './openapi'

export const waitlist = newRouter()

waitlist.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/waitlist/options',
    operationId: 'getWaitlistOptions',
    tags: ['Waitlist'],
    summary: 'What the waitlist may be joined for: every date not started yet, sold out or not, with its sections',
    description:
      'A date (or section) with availableSeats 0 may be joined; one with seats is on sale (joining it: 409 SEATS_AVAILABLE). ' +
      "With the policy's maxSeatsPerOrder (an entry's most seats) and waitlistOfferSeconds. Public, at most a second old.",
    security: none,
    request: { params: ConcertIdParam },
    responses: { 200: json(WaitlistOptions, 'The dates and sections'), ...errorResponses(400, 404, 429, 503) },
  }),
  async (c) => {
    const options = await waitlistOptions(c.env, c.req.valid('param').concertId)
    c.header('Cache-Control', 'public, max-age=1')
    return c.json(options, 200)
  },
)

waitlist.openapi(
  createRoute({
    method: 'post',
    path: '/api/concerts/{concertId}/waitlist',
    operationId: 'joinWaitlist',
    tags: ['Waitlist'],
    summary: 'Wait for returned seats of a date (and section) that has none on sale',
    description:
      'Only while the date (or the section) has no seat AVAILABLE: else 409 SEATS_AVAILABLE. Seats that come free go to the ' +
      "first entry, in the order entries were made, whose seats fit them: HELD for its user (OFFERED) for the policy's " +
      'waitlistOfferSeconds; with autoPay and the balance to cover it, paid at once. Seats asked count toward maxTicketsPerUser.',
    security: bearer,
    middleware: [requireUser, readEntryPolicy, requireVerifiedIfAsked] as const,
    request: { params: ConcertIdParam, body: jsonBody(WaitlistJoinBody) },
    responses: {
      201: json(WaitlistEntry, 'A new entry, WAITING'),
      200: json(WaitlistEntry, 'The WAITING or OFFERED entry the user already has for this concert'),
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const { created, entry } = await joinWaitlist(c.env, concertId, c.get('userId'), c.req.valid('json'))
    c.header('Cache-Control', 'no-store')
    return c.json(entry, created ? 201 : 200)
  },
)

waitlist.openapi(
  createRoute({
    method: 'get',
    path: '/api/users/me/waitlist',
    operationId: 'listWaitlist',
    tags: ['Waitlist'],
    summary: "The user's waitlist entries in every concert, newest first",
    security: bearer,
    middleware: [requireUser] as const,
    responses: { 200: json(WaitlistEntryList, 'The entries'), ...errorResponses(401, 429, 503) },
  }),
  async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ entries: await waitlistOf(c.env, c.get('userId')) }, 200)
  },
)

waitlist.openapi(
  createRoute({
    method: 'delete',
    path: '/api/users/me/waitlist/{waitlistId}',
    operationId: 'leaveWaitlist',
    tags: ['Waitlist'],
    summary: 'Leave the waitlist: an OFFERED entry releases its seats to the next entry that fits',
    description:
      "Another user's entry, or none: 404. An entry that already ended (FULFILLED, EXPIRED): 409 WAITLIST_ENTRY_ENDED; one being paid: 409 PAYMENT_IN_PROGRESS; a CANCELLED one again: 204.",
    security: bearer,
    middleware: [requireUser] as const,
    request: { params: WaitlistIdParam },
    responses: { 204: { description: 'Left' }, ...errorResponses(400, 401, 404, 409, 429, 503) },
  }),
  async (c) => {
    await leaveWaitlist(c.env, c.get('userId'), c.req.valid('param').waitlistId)
    return c.body(null, 204)
  },
)

waitlist.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/waitlist/events',
    operationId: 'streamWaitlistEvents',
    tags: ['Waitlist'],
    summary: "Server-sent events: the user's waitlist entries of this concert on connect, then each one that changes",
    description:
      'An `event: entries` with `{"entries": [...]}` on connect (the entries of this concert as GET /api/users/me/waitlist shows them, newest first), ' +
      'then an `event: waitlist` with `{"waitlist": entry}` each time one of them is OFFERED, FULFILLED, EXPIRED or CANCELLED (within about a second), ' +
      'and a comment line at least every 20 seconds. The Bearer token goes in the Authorization header (read it with fetch, not EventSource). ' +
      'An invalid token gets 401 in the error body, not a stream. Not in the contract (docs/api.md).',
    security: bearer,
    middleware: [requireUser] as const,
    request: { params: ConcertIdParam },
    responses: {
      200: { description: 'The stream', content: { 'text/event-stream': { schema: z.string() } } },
      ...errorResponses(400, 401, 404, 429, 503),
    },
  }),
  (c) => followWaitlist(c.env, c.req.valid('param').concertId, c.get('userId'), c.req.raw),
)
