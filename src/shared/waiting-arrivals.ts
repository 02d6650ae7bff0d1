import { inflateSync } from 'fflate'
import type { LineChange, WholeLine } from './line-view'

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
export class WaitingArrivals {
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
