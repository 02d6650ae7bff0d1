import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { ApiError, notFound, onError } from './errors'
import { handleSaleEvents } from './events/delivery'
import type { SaleEvent } from './events/sale-event'
import { shedWhenConcertBusy } from './http/load-shedding'
import { requestLog } from './http/request-log'
import { MAX_BODY_BYTES } from './schemas'
import { admin } from './routes/admin'
import { concerts } from './routes/concerts'
import { events } from './routes/events'
import { newRouter } from './routes/openapi'
import { payments } from './routes/payments'
import { refunds } from './routes/refunds'
import { queue } from './routes/queue'
import { reservations } from './routes/reservations'
import { service } from './routes/service'
import { gate } from './routes/gate'
import { tickets } from './routes/tickets'
import { turnstile } from './routes/turnstile'
import { users } from './routes/users'
import { waitlist } from './routes/waitlist'

export { ConcertObject } from './concert'
export { QueueRelay } from './relay/relay'
export { ConcertGate } from './gate/gate'
export { ConcertMirror } from './mirror/mirror'

const app = newRouter()

// X-Request-Id: the caller's, when it sends a sane one, else a fresh UUID; echoed and logged.
app.use(requestId(), requestLog)

app.use(
  '/api/*',
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`)
    },
  }),
)

app.use('/api/concerts/:concertId/*', shedWhenConcertBusy)

app.route('/', service)
app.route('/', users)
app.route('/', concerts)
app.route('/', queue)
app.route('/', reservations)
app.route('/', payments)
app.route('/', refunds)
app.route('/', admin)
app.route('/', events)
app.route('/', turnstile)
app.route('/', tickets)
app.route('/', gate)
app.route('/', waitlist)

app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  description: "A user's access token, from POST /api/users",
})
app.openAPIRegistry.registerComponent('securitySchemes', 'queueToken', {
  type: 'apiKey',
  in: 'header',
  name: 'X-Queue-Token',
  description: "The user's place in one concert's waiting queue",
})
app.openAPIRegistry.registerComponent('securitySchemes', 'queueTokenInQuery', {
  type: 'apiKey',
  in: 'query',
  name: 'token',
  description: 'The queue token, in the query of a WebSocket or an event stream (browsers set no headers on either)',
})
app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
  type: 'http',
  scheme: 'bearer',
  description: "The operators' ADMIN_TOKEN (a secret of the environment); a user's access token is refused (403)",
})
app.openAPIRegistry.registerComponent('securitySchemes', 'scannerToken', {
  type: 'http',
  scheme: 'bearer',
  description:
    "A gate scanner's token, from POST /api/admin/concerts/{concertId}/scanners: check-ins of that concert only (a user's or the admin's token is refused, 403)",
})
app.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'Concert tickets',
    version: '1.0.0',
    description:
      'A waiting queue in front of the sale, seats held without double booking, prepaid balances and payments.',
  },
  // Relative: the host that served this document, which is the API's wherever it runs (npm start, production).
  servers: [{ url: '/', description: 'The host that serves this document' }],
})

app.onError(onError)
app.notFound(notFound)

export default {
  fetch: app.fetch,
  queue: handleSaleEvents,
} satisfies ExportedHandler<Env, SaleEvent>
