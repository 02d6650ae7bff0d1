import {
  changeAppliesTo,
  headerOf,
  packBits,
  type LineView,
  type LineViewHeader,
  type ViewVersion,
  type WholeLine,
} from '../shared/line-view'
import { DepartureLog } from '../shared/line-views'
import { WaitingArrivals } from '../shared/waiting-arrivals'

/**
 * A mirror's copy of the concert object's line: the same versions under the same epoch, so
 * a Worker's view moves on by changes whichever of the two it asks. It answers as the object
 * does (src/shared/line-views.ts), a change since the asker's version or the whole line,
 * from the changes it was sent; the whole line is deflated once per version.
 */
export class MirroredLine {
  private whole: WholeLine | null = null

  private constructor(
    private header: LineViewHeader,
    private readonly line: WaitingArrivals,
    private readonly log: DepartureLog,
  ) {}

  /** What a view from the object makes of the copy held: a whole line replaces it; a change moves it on, or is null when not made from its version. */
  static after(previous: MirroredLine | null, view: LineView): MirroredLine | null {
    if (view.kind === 'whole')
      return new MirroredLine(headerOf(view), new WaitingArrivals(view), new DepartureLog(view.epoch, view.version))
    if (!previous || !changeAppliesTo(previous.header, view)) return null
    previous.line.apply(view)
    for (const arrival of view.left) previous.log.left(arrival)
    previous.header = headerOf(view)
    previous.whole = null
    return previous
  }

  get version(): ViewVersion {
    return { epoch: this.header.epoch, version: this.header.version }
  }

  /** Whether an asker's version is one this copy has not reached (it was told by the object since): the copy is behind. */
  behind(have: ViewVersion | undefined): boolean {
    return have !== undefined && (have.epoch !== this.header.epoch || have.version > this.header.version)
  }

  view(have: ViewVersion | undefined): LineView {
    const { header } = this
    const left = this.log.since(have)
    if (left) return { ...header, kind: 'change', since: have!.version, left }
    if (!this.whole) {
      const { from, bytes } = this.line.bits()
      this.whole = { ...header, kind: 'whole', from, bits: packBits(bytes) }
    }
    return this.whole
  }
}
