import { createRoute } from '@hono/zod-openapi'
import { requireAdmin, requireScanner } from '../auth/middleware'
import { CheckedIn, CheckInBody, ConcertIdParam, ScannerBody, ScannerCreated, ScannerList } from '../schemas'
import { addScanner, checkIn, scannersOf } from '../tickets/gate'
import { adminToken, errorResponses, json, jsonBody, newRouter, scannerToken } from './openapi'

export const gate = newRouter()

gate.openapi(
  createRoute({
    method: 'post',
    path: '/api/admin/concerts/{concertId}/scanners',
    operationId: 'createScanner',
    tags: ['Gate'],
    summary:
      "A scanner for the gate: a token that checks in this concert's tickets (of one date, when given) and nothing else",
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { params: ConcertIdParam, body: jsonBody(ScannerBody) },
    responses: {
      201: json(ScannerCreated, 'The scanner and its token'),
      ...errorResponses(400, 401, 403, 404, 413, 415),
    },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    c.header('Cache-Control', 'no-store')
    return c.json(await addScanner(c.env, concertId, c.req.valid('json')), 201)
  },
)

gate.openapi(
  createRoute({
    method: 'get',
    path: '/api/admin/concerts/{concertId}/scanners',
    operationId: 'listScanners',
    tags: ['Gate'],
    summary: "The concert's scanners, oldest first, with how many tickets each checked in",
    security: adminToken,
    middleware: [requireAdmin] as const,
    request: { params: ConcertIdParam },
    responses: { 200: json(ScannerList, 'The scanners'), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { concertId } = c.req.valid('param')
    c.header('Cache-Control', 'no-store')
    return c.json({ scanners: await scannersOf(c.env, concertId) }, 200)
  },
)

gate.openapi(
  createRoute({
    method: 'post',
    path: '/api/concerts/{concertId}/check-ins',
    operationId: 'checkIn',
    tags: ['Gate'],
    summary:
      'Check in the ticket whose code a holder shows (a scanner token only); of concurrent check-ins of one ticket, one succeeds',
    description:
      'Then the same ticket: 409 ALREADY_CHECKED_IN (the message says when). A wrong code: 400 CODE_INVALID; past its exp: 410 CODE_EXPIRED; ' +
      "another concert's: 409 WRONG_CONCERT; another date than the scanner's: 409 WRONG_DATE; refunded, or of a version before a transfer: 409 TICKET_NOT_VALID; " +
      "a user's or the admin's token: 403 FORBIDDEN.",
    security: scannerToken,
    middleware: [requireScanner] as const,
    request: { params: ConcertIdParam, body: jsonBody(CheckInBody) },
    responses: {
      201: json(CheckedIn, 'Checked in: let them in'),
      ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 429, 503),
    },
  }),
  async (c) => {
    const { code, scannedAt } = c.req.valid('json')
    const done = await checkIn(c.env, c.get('scanner'), code, scannedAt)
    return c.json(
      {
        ticketId: done.ticketId,
        date: done.date,
        seatNumber: done.seatNumber,
        section: done.section,
        checkedInAt: done.checkedInAt,
      },
      201,
    )
  },
)
