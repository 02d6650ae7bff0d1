/**
 * The live WAITING users by arrival number, as a Fenwick (binary indexed) tree: a user's
 * position is the count of live arrivals before theirs, in O(log n) however many wait and
 * wherever in the line others leave. Kept in memory; rebuilt from SQLite when the object wakes.
 */
export class WaitingIndex {
  private tree: Int32Array
  /** One bit per arrival, 1 while it waits: a line view copies a range of these words as they are. */
  private live: Uint32Array
  private count = 0
  /** No live arrival is before it. */
  private head = 1

  constructor(arrivals: Iterable<number> = [], capacity = 1024) {
    const list = [...arrivals]
    let size = capacity
    for (const a of list) while (a >= size) size *= 2
    this.tree = new Int32Array(size + 1)
    this.live = new Uint32Array((size >>> 5) + 1)
    for (const a of list) this.set(a)
    this.rebuild()
  }

  get size(): number {
    return this.count
  }

  has(arrival: number): boolean {
    return arrival < this.tree.length && ((this.live[arrival >>> 5]! >>> (arrival & 31)) & 1) === 1
  }

  /** The first live arrival (arrivals join only at the back, so the front only moves on), or last + 1 when none is. */
  front(last: number): number {
    while (this.head <= last && !this.has(this.head)) this.head++
    return this.head
  }

  /** One bit per arrival from (a multiple of 32) to last, least significant first: 1 when live. */
  bits(from: number, last: number): Uint8Array {
    const words = new Uint32Array(((last - from) >>> 5) + 1)
    words.set(this.live.subarray(from >>> 5, Math.min((last >>> 5) + 1, this.live.length)))
    // Arrivals past `last` are not in the view.
    const tail = (last - from + 1) & 31
    if (tail !== 0) words[words.length - 1]! &= (1 << tail) - 1
    return new Uint8Array(words.buffer, 0, Math.ceil((last - from + 1) / 8))
  }

  add(arrival: number): void {
    if (this.has(arrival)) return
    if (arrival >= this.tree.length) this.grow(arrival)
    this.head = Math.min(this.head, arrival)
    this.set(arrival)
    this.update(arrival, 1)
  }

  /** Every arrival from first to last at once: one linear rebuild, where adding a draw's 700,000 places one by one took a log-time update each. */
  addRange(first: number, last: number): void {
    if (last < first) return
    if (last >= this.tree.length) this.grow(last)
    for (let arrival = first; arrival <= last; arrival++) this.set(arrival)
    this.head = Math.min(this.head, first)
    this.rebuild()
  }

  remove(arrival: number): void {
    if (!this.has(arrival)) return
    this.live[arrival >>> 5]! &= ~(1 << (arrival & 31))
    this.update(arrival, -1)
  }

  /** 1 for the first live arrival; the count of live arrivals up to and including this one. */
  position(arrival: number): number {
    let sum = 0
    for (let i = Math.min(arrival, this.tree.length - 1); i > 0; i -= i & -i) sum += this.tree[i]!
    return sum
  }

  private set(arrival: number) {
    this.live[arrival >>> 5]! |= 1 << (arrival & 31)
  }

  private update(arrival: number, delta: number) {
    this.count += delta
    for (let i = arrival; i < this.tree.length; i += i & -i) this.tree[i]! += delta
  }

  private grow(arrival: number) {
    let size = this.tree.length - 1
    while (arrival >= size) size *= 2
    const live = new Uint32Array((size >>> 5) + 1)
    live.set(this.live)
    this.live = live
    this.tree = new Int32Array(size + 1)
    this.rebuild()
  }

  /** Linear-time construction from the live bits. */
  private rebuild() {
    this.tree.fill(0)
    this.count = 0
    for (let i = 1; i < this.tree.length; i++) {
      if (this.has(i)) {
        this.tree[i]! += 1
        this.count += 1
      }
      const parent = i + (i & -i)
      if (parent < this.tree.length) this.tree[parent]! += this.tree[i]!
    }
  }
}
