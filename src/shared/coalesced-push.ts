/** At most one pushed message per listener per interval, and only when its status changed. */
export const PUSH_INTERVAL_MS = 1_000

/**
 * Coalesced pushes: the first change after a quiet interval goes out at once; changes within
 * the interval are gathered into one push at its end. (A gate's batches of entries too.)
 */
export class CoalescedPush {
  private last = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly push: () => void,
    private readonly intervalMs = PUSH_INTERVAL_MS,
  ) {}

  schedule() {
    if (this.timer !== null) return
    this.timer = setTimeout(
      () => {
        this.timer = null
        this.last = Date.now()
        this.push()
      },
      Math.max(0, this.last + this.intervalMs - Date.now()),
    )
  }
}
