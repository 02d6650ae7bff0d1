// The console's three charts (uPlot): queue depth and admissions per minute, sales per
// minute, and refused entries per minute by reason, over the history's points, with the policy changes and the opening drawn as
// vertical lines across both.
import uPlot from 'uplot'
import type { QueueHistory } from '../common/api'
import { REFUSAL_REASONS, type RefusalReason } from '../../src/shared/refused-entries'

const REFUSAL_COLOURS: Record<RefusalReason, string> = {
  unverified: '#5b3df5',
  proof: '#c77700',
  turnstile: '#146c2e',
  rate: '#b3261e',
}

export interface Marker {
  at: number
  label: string
}

const seconds = (iso: string) => Date.parse(iso) / 1000

/** Vertical lines with a label at the top, at each marker's time. */
function markersPlugin(markers: () => Marker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u
        ctx.save()
        ctx.strokeStyle = '#b3261e'
        ctx.fillStyle = '#b3261e'
        ctx.font = `${11 * devicePixelRatio}px system-ui`
        for (const m of markers()) {
          const x = u.valToPos(m.at / 1000, 'x', true)
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue
          ctx.beginPath()
          ctx.setLineDash([4, 4])
          ctx.moveTo(x, u.bbox.top)
          ctx.lineTo(x, u.bbox.top + u.bbox.height)
          ctx.stroke()
          ctx.fillText(m.label, x + 3, u.bbox.top + 12 * devicePixelRatio)
        }
        ctx.restore()
      },
    },
  }
}

export class ConsoleCharts {
  private queue: uPlot | null = null
  private sales: uPlot | null = null
  private refused: uPlot | null = null
  private markers: Marker[] = []

  private readonly resize = () => {
    for (const chart of [this.queue, this.sales, this.refused]) chart?.setSize(this.size(chart.root.parentElement!))
  }

  constructor(
    private readonly queueTarget: HTMLElement,
    private readonly salesTarget: HTMLElement,
    private readonly refusedTarget: HTMLElement,
  ) {
    addEventListener('resize', this.resize)
  }

  destroy() {
    removeEventListener('resize', this.resize)
    this.queue?.destroy()
    this.sales?.destroy()
    this.refused?.destroy()
  }

  show(
    history: QueueHistory,
    markers: Marker[],
    labels: {
      waiting: string
      active: string
      admitted: string
      sold: string
      entered: string
      refused: Record<RefusalReason, string>
    },
  ) {
    this.markers = markers
    const x = history.points.map((p) => seconds(p.at))
    const queueData: uPlot.AlignedData = [
      x,
      history.points.map((p) => p.waiting),
      history.points.map((p) => p.active),
      history.points.map((p) => p.admitted),
    ]
    const salesData: uPlot.AlignedData = [x, history.points.map((p) => p.sold), history.points.map((p) => p.entered)]
    const refusedData: uPlot.AlignedData = [
      x,
      ...REFUSAL_REASONS.map((r) => history.points.map((p) => p.refusedEntries[r])),
    ]
    if (!this.queue || !this.sales || !this.refused) {
      const plugins = [markersPlugin(() => this.markers)]
      const bars = uPlot.paths.bars!({ size: [0.6, 12] })
      this.queue = new uPlot(
        {
          ...this.size(this.queueTarget),
          plugins,
          series: [
            {},
            { label: labels.waiting, stroke: '#5b3df5', width: 2 },
            { label: labels.active, stroke: '#146c2e', width: 2 },
            { label: labels.admitted, stroke: '#c77700', paths: bars, fill: '#c7770055' },
          ],
        },
        queueData,
        this.queueTarget,
      )
      this.sales = new uPlot(
        {
          ...this.size(this.salesTarget),
          plugins,
          series: [
            {},
            { label: labels.sold, stroke: '#146c2e', paths: bars, fill: '#146c2e55' },
            { label: labels.entered, stroke: '#5b3df5', width: 2 },
          ],
        },
        salesData,
        this.salesTarget,
      )
      this.refused = new uPlot(
        {
          ...this.size(this.refusedTarget),
          plugins,
          series: [
            {},
            ...REFUSAL_REASONS.map((r) => ({ label: labels.refused[r], stroke: REFUSAL_COLOURS[r], width: 2 })),
          ],
        },
        refusedData,
        this.refusedTarget,
      )
    } else {
      this.queue.setData(queueData)
      this.sales.setData(salesData)
      this.refused.setData(refusedData)
    }
  }

  private size(target: HTMLElement) {
    return { width: Math.max(280, target.clientWidth), height: 200 }
  }
}
