// @ts-check
// What the open-loop measures share (bench/open-loop/entry-rates.mjs, bench/peer/compare.mjs --rates):
// whether a rate was held, the highest held, and their table.

/** Offered at a rate and held: every offer answered with a 2xx, none dropped or failed, p99 under the bar (ms). */
export function heldRate(result, p99Bar) {
  const answered = Object.entries(result.statusCounts).reduce((n, [s, c]) => n + (s.startsWith('2') ? c : 0), 0)
  return result.dropped === 0 && result.errors === 0 && result.count === answered && result.p99 < p99Bar
}

/** The highest offered rate held, 0 if none. `rows`: { rate, held } */
export const highestHeld = (rows) => rows.filter((r) => r.held).reduce((best, r) => Math.max(best, r.rate), 0)

/** One line per offered rate: what was answered, its latency, and whether it was held. */
export function ratesTable(rows, p99Bar) {
  return [
    `| offered/s | answered/s | p50 ms | p99 ms | statuses | dropped | errors | p99 < ${p99Bar} ms |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.rate} | ${Math.round(r.rps)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${Object.entries(
          r.statusCounts,
        )
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')} | ${r.dropped} | ${r.errors} | ${r.held ? 'yes' : 'no'} |`,
    ),
  ].join('\n')
}
