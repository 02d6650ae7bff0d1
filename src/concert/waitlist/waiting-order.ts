/**
 * The WAITING entries of each date and section, as their seqs in join order (ascending), in
 * memory: an entry's position is a binary search, O(log n), where counting the rows ahead of
 * it in the index was O(position). A join appends (its seq is the largest yet); an entry that
 * stops waiting is cut out (a copy of the array's tail, in memory, which is cheap beside the
 * change's own write).
 */
export class WaitingOrder {
  private readonly queues = new Map<string, number[]>()

  clear() {
    this.queues.clear()
  }

  add(date: string, section: string, seq: number) {
    const key = keyOf(date, section)
    const seqs = this.queues.get(key)
    if (!seqs) return void this.queues.set(key, [seq])
    if (seqs.length === 0 || seqs[seqs.length - 1]! < seq) seqs.push(seq)
    else seqs.splice(below(seqs, seq), 0, seq)
  }

  remove(date: string, section: string, seq: number) {
    const key = keyOf(date, section)
    const seqs = this.queues.get(key)
    if (!seqs) return
    const at = below(seqs, seq)
    if (seqs[at] === seq) seqs.splice(at, 1)
    if (seqs.length === 0) this.queues.delete(key)
  }

  /** 1 + the WAITING entries of the same date and section ahead of `seq`. */
  position(date: string, section: string, seq: number): number {
    return 1 + below(this.queues.get(keyOf(date, section)) ?? [], seq)
  }
}

const keyOf = (date: string, section: string) => `${date}\u0000${section}`

/** How many of the ascending `seqs` are less than `seq` (its index, if it is there). */
function below(seqs: readonly number[], seq: number): number {
  let lo = 0
  let hi = seqs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (seqs[mid]! < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}
