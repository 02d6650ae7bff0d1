// The console's chart of the gate (uPlot): entries through the gate per minute over the last
// hour, from the history's `checkedIn` (check-ins in each minute), bars like the sales chart.
import uPlot from 'uplot'
import type { QueueHistory } from '../common/api'

export class GateChart {
  private chart: uPlot | null = null
  private readonly resize = () => this.chart?.setSize(this.size())

  constructor(private readonly target: HTMLElement) {
    addEventListener('resize', this.resize)
  }

  destroy() {
    removeEventListener('resize', this.resize)
    this.chart?.destroy()
  }

  show(history: QueueHistory, label: string) {
    const data: uPlot.AlignedData = [
      history.points.map((p) => Date.parse(p.at) / 1000),
      history.points.map((p) => p.checkedIn),
    ]
    if (this.chart) return this.chart.setData(data)
    const bars = uPlot.paths.bars!({ size: [0.6, 12] })
    this.chart = new uPlot(
      {
        ...this.size(),
        series: [{}, { label, stroke: '#146c2e', paths: bars, fill: '#146c2e55' }],
      },
      data,
      this.target,
    )
  }

  private size() {
    return { width: Math.max(280, this.target.parentElement!.clientWidth), height: 180 }
  }
}
