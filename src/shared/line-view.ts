import { deflateSync } from 'fflate'
import type { QueuePolicy } from '../schemas'

/**
 * The waiting line as a Worker (or a relay) answers statuses from it, as it crosses from the
 * concert object: a header of constant size, and the WAITING arrivals either whole (one bit
 * per arrival from the front of the line to its back, deflated) or as a change since a
 * version the asker already has (the arrivals that stopped waiting since; those that joined
 * are every arrival up to `lastArrival`). Neither grows with arrivals since the start: the
 * whole line is bounded by the live window, a change by what changed (docs/scale.md).
 */
export interface LineViewHeader {
  concertId: string
  /** A change applies only to a view of the same epoch: a new one each time the object wakes. */
  epoch: string
  version: number
  lastArrival: number
  active: Array<{ arrival: number; until: number }>
  admissionRate: number
  seatsLeft: number
  /** Every seat sold: a place not live may have ended SOLD_OUT, which only the object knows. */
  soldOut: boolean
  /** While the pre-queue is open or its draw under way: the opening. Its entries are PRE_QUEUE until then; from then on, a token naming one is asked its place once. */
  preQueueUntil: number | null
  policy: QueuePolicy
}

export interface WholeLine extends LineViewHeader {
  kind: 'whole'
  /** The arrival of the first bit; a multiple of 32, at or before the front of the line. */
  from: number
  /** Deflated bits, least significant first: bit i is 1 when arrival from + i is WAITING. */
  bits: Uint8Array
}

export interface LineChange extends LineViewHeader {
  kind: 'change'
  /** The version it applies to. */
  since: number
  /** Arrivals that stopped waiting (admitted, idle, ended) since the version asked about. */
  left: number[]
}

export type LineView = WholeLine | LineChange

/** The header alone, as a view made from another one carries it. */
export const headerOf = ({
  concertId,
  epoch,
  version,
  lastArrival,
  active,
  admissionRate,
  seatsLeft,
  soldOut,
  preQueueUntil,
  policy,
}: LineViewHeader): LineViewHeader => ({
  concertId,
  epoch,
  version,
  lastArrival,
  active,
  admissionRate,
  seatsLeft,
  soldOut,
  preQueueUntil,
  policy,
})

/** Whether a change was made from the version a view holds (its header's): only then can it move that view on. */
export const changeAppliesTo = (held: LineViewHeader, change: LineChange) =>
  change.epoch === held.epoch && change.since === held.version

/** What a view's holder says it has, so that a change can be sent instead of the whole line. */
export type ViewVersion = { epoch: string; version: number }

/**
 * A view as bytes, for the Cache API (src/concert-client/shared-views.ts): its fields as JSON
 * behind their length, then a whole line's deflated bits as they are.
 */
export function encodeLineView(view: LineView): Uint8Array {
  const { bits, ...fields } = view.kind === 'whole' ? view : { ...view, bits: new Uint8Array(0) }
  const json = new TextEncoder().encode(JSON.stringify(fields))
  const bytes = new Uint8Array(4 + json.length + bits.length)
  new DataView(bytes.buffer).setUint32(0, json.length)
  bytes.set(json, 4)
  bytes.set(bits, 4 + json.length)
  return bytes
}

export function decodeLineView(bytes: Uint8Array): LineView {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)
  const fields = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as LineView
  return fields.kind === 'whole' ? { ...fields, bits: bytes.slice(4 + length) } : fields
}

/** Level 1 with a small window: the same size as the default window on these bits, at a third of the time (bench/line-views.mjs). */
export const packBits = (bits: Uint8Array): Uint8Array => deflateSync(bits, { level: 1, mem: 3 })
