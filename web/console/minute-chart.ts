// A console chart (uPlot) of the history's per-minute points over the last hour: the gate's
// entries, the waitlist's entries and offers. Counts within a minute are bars, like the sales
// chart; a level at each minute's end is a line.
import { useEffect, useRef } from 'hono/jsx/dom'
import uPlot from 'uplot'
import type { QueueHistory } from '../common/api'

type Point = QueueHistory['points'][number]

export interface MinuteSeries {
  label: string
  value: (point: Point) => number
  color: string
  /** Counted within each minute (bars), rather than a level at its end (a line). */
  perMinute: boolean
}

export class MinuteChart {
  private chart: uPlot | null = null
  private readonly resize = () => this.chart?.setSize(this.size())

  constructor(private readonly target: HTMLElement) {
    addEventListener('resize', this.resize)
  }

  destroy() {
    removeEventListener('resize', this.resize)
    this.chart?.destroy()
  }

  show(history: QueueHistory, series: MinuteSeries[]) {
    const data: uPlot.AlignedData = [
      history.points.map((p) => Date.parse(p.at) / 1000),
      ...series.map((s) => history.points.map(s.value)),
    ]
    if (this.chart) return this.chart.setData(data)
    const bars = uPlot.paths.bars!({ size: [0.6, 12] })
    this.chart = new uPlot(
      {
        ...this.size(),
        series: [
          {},
          ...series.map(({ label, color, perMinute }) =>
            perMinute ? { label, stroke: color, paths: bars, fill: `${color}55` } : { label, stroke: color, width: 2 },
          ),
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

/** A MinuteChart kept for a component's life and shown anew on each render: the ref goes on its box. */
export function useMinuteChart(history: QueueHistory, series: MinuteSeries[]) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<MinuteChart | null>(null)
  useEffect(() => {
    chart.current = new MinuteChart(box.current!)
    return () => chart.current?.destroy()
  }, [])
  useEffect(() => {
    chart.current?.show(history, series)
  })
  return box
}
