import { createRoute, z } from '@hono/zod-openapi'
import { optionalUser, requireQueueToken, requireUser } from '../auth/middleware'
import { signQueueToken } from '../auth/tokens'
import { entryChallenge } from '../auth/entry-proof'
import { concertClient } from '../concert-client'
import { ApiError } from '../errors'
import { limitPerUser } from '../http/load-shedding'
import { requireVerifiedIfAsked } from '../identity/verified-entry'
import { requireTurnstile } from '../http/turnstile'
import { countRefusedEntries } from '../http/refused-entries'
import { checkEntryProofIfAsked, readEntryPolicy } from '../http/entry-checks'
import { ConcertIdParam, ProofChallenge, QueueEntryHeaders, QueueSocketQuery, QueueStatus } from '../schemas'
import { bearer, errorResponses, json, newRouter, queueTokenInQuery, queueTokenWithOptionalBearer } from './openapi'

export const queue = newRouter()

queue.openapi(
  createRoute({
    method: 'post',
    path: '/api/concerts/{concertId}/queue/tokens',
    operationId: 'enterQueue',
    tags: ['Waiting queue'],
    summary: 'Join the waiting queue (asking again returns the same token and place)',
    description:
      "While the concert's policy has entryProofCost, a new place needs X-Entry-Proof: a solution of GET .../queue/challenge, used once.",
    security: bearer,
    middleware: [
      countRefusedEntries,
      requireUser,
      limitPerUser('enter'),
      readEntryPolicy,
      requireVerifiedIfAsked,
      // The proof is checked here, with no call out; Turnstile's siteverify is a call, and uses the token.
      checkEntryProofIfAsked,
      requireTurnstile,
    ] as const,
    request: { params: ConcertIdParam, headers: QueueEntryHeaders },
    responses: {
      201: json(
        QueueStatus,
        'A new token at the back of the line, or in the pre-queue (PRE_QUEUE) before the sale opens',
      ),
      200: json(QueueStatus, 'The token and place the user already has'),
      ...errorResponses(400, 401, 403, 404, 409, 429, 503),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const userId = c.get('userId')
    const { created, arrival, entryId, status } = await c.get('concert').enter(userId, c.get('entryProof'))
    const token = await signQueueToken({ userId, concertId, arrival, entryId }, c.env.AUTH_SECRET)
    c.header('Cache-Control', 'no-store')
    return c.json({ token, ...status }, created ? 201 : 200)
  },
)

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/challenge',
    operationId: 'getEntryChallenge',
    tags: ['Waiting queue'],
    summary: "An ALTCHA v1 proof-of-work challenge for this user's entry (5 minutes)",
    description:
      "maxnumber is the policy's entryProofCost; the salt carries the expiry and names the user and concert. " +
      'Solve it (altcha-lib, the ALTCHA widget) and send the base64 JSON solution as X-Entry-Proof with the entry.',
    security: bearer,
    middleware: [requireUser] as const,
    request: { params: ConcertIdParam },
    responses: {
      200: json(ProofChallenge, 'The challenge'),
      ...errorResponses(400, 401, 404, 429, 503),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const cost = (await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).policy()).entryProofCost
    if (cost === null) throw new ApiError('NO_ENTRY_PROOF')
    const challenge = await entryChallenge(c.env.AUTH_SECRET, { userId: c.get('userId'), concertId }, cost)
    c.header('Cache-Control', 'no-store')
    return c.json(challenge, 200)
  },
)

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/status',
    operationId: 'getQueueStatus',
    tags: ['Waiting queue'],
    summary: 'Place in line, or ACTIVE with the admission deadline',
    description:
      'Answered from a view of the queue at most 250 ms old; holds and payments always check the queue itself.',
    security: queueTokenWithOptionalBearer,
    middleware: [optionalUser, requireQueueToken({ from: 'header', concert: 'path' })] as const,
    request: { params: ConcertIdParam },
    responses: { 200: json(QueueStatus, 'The status'), ...errorResponses(400, 401, 403, 404, 429, 503) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    const queue = c.get('queue')
    const status = await concertClient(c.env, concertId, c.executionCtx, c.req.raw.cf).status(queue)
    c.header('Cache-Control', 'no-store')
    return c.json({ token: queue.token, ...status }, 200)
  },
)

/** A socket and an event stream carry the queue token in their query: browsers set no headers on either. */
const followRequest = { params: ConcertIdParam, query: QueueSocketQuery }

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/ws',
    operationId: 'openQueueSocket',
    tags: ['Waiting queue'],
    summary: 'WebSocket: the status object on connect and on every change of status or position',
    description:
      'At most one message per second per socket, and only when the status or position changed. ' +
      'Any message from the client is answered with the current status and counts as presence. ' +
      'When the token ends (payment, expiry, abandonment) a final {"status":"EXPIRED"} is sent and the socket closed; ' +
      'when every seat is sold, a final {"status":"SOLD_OUT"}. ' +
      'A message {"waitlist": entry} (no status) tells of a waitlist entry of the same user that moved (docs/api.md).',
    security: queueTokenInQuery,
    middleware: [requireQueueToken({ from: 'query', concert: 'path' })] as const,
    request: followRequest,
    responses: {
      101: { description: 'Switching protocols: the socket is open' },
      ...errorResponses(400, 401, 403, 426, 429, 503),
    },
  }),
  async (c) => {
    // Forged tokens and tokens of another concert were refused (middleware) before the upgrade.
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new ApiError('UPGRADE_REQUIRED')
    return concertClient(c.env, c.req.valid('param').concertId).follow(c.req.raw, c.get('queue'))
  },
)

queue.openapi(
  createRoute({
    method: 'get',
    path: '/api/concerts/{concertId}/queue/events',
    operationId: 'streamQueueEvents',
    tags: ['Waiting queue'],
    summary: 'Server-sent events: the status object on connect and on every change (works with EventSource)',
    description:
      'An `event: status` with the status object on connect and on every change of status or position, at most one a second; ' +
      'a comment line at least every 20 seconds; a last `event: status` with {"status":"EXPIRED"} or {"status":"SOLD_OUT"} before the stream ends. ' +
      'An `event: waitlist` with {"waitlist": entry} tells of a waitlist entry of the same user that moved (docs/api.md). ' +
      'An invalid token gets 401 in the error body, not a stream.',
    security: queueTokenInQuery,
    middleware: [requireQueueToken({ from: 'query', concert: 'path' })] as const,
    request: followRequest,
    responses: {
      200: { description: 'The stream', content: { 'text/event-stream': { schema: z.string() } } },
      ...errorResponses(400, 401, 403, 429, 503),
    },
  }),
  (c) => concertClient(c.env, c.req.valid('param').concertId).follow(c.req.raw, c.get('queue')),
)
