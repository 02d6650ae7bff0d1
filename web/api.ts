// The contract's HTTP calls, one place for credentials and the error body.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface Credentials {
  accessToken?: string
  queueToken?: string
  idempotencyKey?: string
}

export async function api<T>(method: string, path: string, body?: unknown, auth: Credentials = {}): Promise<T> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (auth.accessToken) headers.authorization = `Bearer ${auth.accessToken}`
  if (auth.queueToken) headers['x-queue-token'] = auth.queueToken
  if (auth.idempotencyKey) headers['idempotency-key'] = auth.idempotencyKey
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  const data = text ? JSON.parse(text) : null
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'HTTP_ERROR', data?.error?.message ?? res.statusText)
  return data as T
}

export interface Concert {
  concertId: string
  title: string
  venue?: string
}
export interface DateInfo {
  date: string
  startsAt: string
  availableSeats: number
  totalSeats: number
}
export interface QueueStatus {
  token: string
  status: 'WAITING' | 'ACTIVE'
  position: number
  estimatedWaitSeconds: number
  activeUntil: string | null
  pollAfterSeconds: number
}
export interface Seat {
  seatNumber: number
  status: 'AVAILABLE' | 'HELD' | 'SOLD'
  price: number
}
export interface Hold {
  reservationId: string
  date: string
  seatNumber: number
  price: number
  expiresAt: string
}
export interface Payment {
  paymentId: string
  reservationId: string
  date: string
  seatNumber: number
  amount: number
  paidAt: string
}
