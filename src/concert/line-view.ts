import { deflateSync, inflateSync } from 'fflate'
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

const popcount = (word: number) => {
  let v = word - ((word >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/** Words (of 32 arrivals) per counted chunk: a position sums at most this many words. */
const CHUNK = 32

/**
 * The WAITING arrivals of a line view, decoded: a bitset from `from` with counts per chunk of
 * 1,024 arrivals, so a position is one count and at most 32 popcounts (well under a
 * microsecond), exact as the object's own. Kept up to date by applying changes.
 */
export class LiveLine {
  private words: Uint32Array
  private from: number
  private last: number
  /** Live arrivals in the chunks before chunk c. */
  private before = new Int32Array(1)

  constructor(whole: WholeLine) {
    const bytes = inflateSync(whole.bits)
    this.words = new Uint32Array(Math.ceil(bytes.length / 4))
    new Uint8Array(this.words.buffer).set(bytes)
    this.from = whole.from
    this.last = whole.lastArrival
    this.count()
  }

  has(arrival: number): boolean {
    const i = arrival - this.from
    if (i < 0 || arrival > this.last) return false
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1
  }

  /** 1 for the first WAITING arrival: those WAITING up to and including this one (a WAITING arrival of the view). */
  position(arrival: number): number {
    const i = arrival - this.from
    const word = i >>> 5
    const chunk = Math.floor(word / CHUNK)
    let sum = this.before[chunk]!
    for (let w = chunk * CHUNK; w < word; w++) sum += popcount(this.words[w]!)
    const upTo = (i & 31) === 31 ? 0xffffffff : (1 << ((i & 31) + 1)) - 1
    return sum + popcount(this.words[word]! & upTo)
  }

  /** The bits as a whole line carries them (not yet deflated): from `from`, a multiple of 32, to the last arrival. */
  bits(): { from: number; bytes: Uint8Array } {
    const words = this.last < this.from ? 0 : Math.min(((this.last - this.from) >>> 5) + 1, this.words.length)
    return { from: this.from, bytes: new Uint8Array(this.words.buffer, 0, words * 4) }
  }

  /** Arrivals up to `lastArrival` joined; `left` stopped waiting. */
  apply({ lastArrival, left }: LineChange) {
    this.grow(lastArrival)
    for (const arrival of left) {
      const i = arrival - this.from
      if (i >= 0 && arrival <= this.last) this.words[i >>> 5]! &= ~(1 << (i & 31))
    }
    this.trimFront()
    this.count()
  }

  private grow(lastArrival: number) {
    if (lastArrival <= this.last) return
    const needed = ((lastArrival - this.from) >>> 5) + 1
    if (needed > this.words.length) {
      const words = new Uint32Array(Math.max(needed, this.words.length * 2))
      words.set(this.words)
      this.words = words
    }
    for (let a = this.last + 1; a <= lastArrival; a++) {
      const i = a - this.from
      this.words[i >>> 5]! |= 1 << (i & 31)
    }
    this.last = lastArrival
  }

  /** The front moves as the line is admitted: drop the words behind it once there are a chunk of them. */
  private trimFront() {
    let zero = 0
    while (zero < this.words.length && this.words[zero] === 0 && this.from + (zero + 1) * 32 <= this.last) zero++
    if (zero < CHUNK) return
    this.words = this.words.slice(zero)
    this.from += zero * 32
  }

  private count() {
    const chunks = Math.ceil(this.words.length / CHUNK)
    if (this.before.length !== chunks + 1) this.before = new Int32Array(chunks + 1)
    let sum = 0
    for (let c = 0; c < chunks; c++) {
      this.before[c] = sum
      for (let w = c * CHUNK; w < Math.min((c + 1) * CHUNK, this.words.length); w++) sum += popcount(this.words[w]!)
    }
    this.before[chunks] = sum
  }
}
