// The console's chart of the waitlist (uPlot), as the gate's (gate-chart.ts): over the last hour,
// the entries WAITING or OFFERED at each minute's end (the history's `waitlisted`, a line) and
// the offers made within each minute (`offered`, bars: each a returned seat's way to a fan).
import uPlot from 'uplot'
import type { QueueHistory } from '../common/api'

export class WaitlistChart {
  private chart: uPlot | null = null
  private readonly resize = () => this.chart?.setSize(this.size())

  constructor(private readonly target: HTMLElement) {
    addEventListener('resize', this.resize)
  }

  destroy() {
    removeEventListener('resize', this.resize)
    this.chart?.destroy()
  }

  show(history: QueueHistory, labels: { waitlisted: string; offered: string }) {
    const data: uPlot.AlignedData = [
      history.points.map((p) => Date.parse(p.at) / 1000),
      history.points.map((p) => p.waitlisted),
      history.points.map((p) => p.offered),
    ]
    if (this.chart) return this.chart.setData(data)
    const bars = uPlot.paths.bars!({ size: [0.6, 12] })
    this.chart = new uPlot(
      {
        ...this.size(),
        series: [
          {},
          { label: labels.waitlisted, stroke: '#5b3df5', width: 2 },
          { label: labels.offered, stroke: '#c77700', paths: bars, fill: '#c7770055' },
        ],
      },
      data,
      this.target,
    )
  }

  private size() {
    return { width: Math.max(280, this.target.parentElement!.clientWidth), height: 180 }
  }
}
