// @ts-check
// What one configuration's sale comes to (the bot's share of the draw, its CPU per place, the
// fans' waits) and the markdown table of all of them, as docs/fairness.md shows it.
import { pct } from '../pool.mjs'

/**
 * @param {string} name @param {import('./sale.mjs').Config} config @param {number} cost
 * @param {string[]} order the draw @param {import('./fans.mjs').FanEntry[]} fans
 * @param {Awaited<ReturnType<typeof import('./bot.mjs').runBot>>} bot
 */
export function saleResult(name, config, cost, order, fans, bot) {
  const botIds = new Set(bot.entryIds)
  const first = order.slice(0, 100)
  const waits = fans.map((f) => f.waitMs)
  const chromium = fans.map((f) => f.chromiumMs)
  return {
    config: name,
    identity: config.identity,
    proofCost: config.proof ? cost : null,
    drawn: order.length,
    fansEntered: fans.length,
    botAttempted: bot.attempted,
    botEntered: bot.entered,
    botRefused: bot.refused,
    botFirst100: first.filter((id) => botIds.has(id)).length,
    botShareFirst100: first.filter((id) => botIds.has(id)).length / first.length,
    botShareAll: order.filter((id) => botIds.has(id)).length / order.length,
    botSolverCpuSeconds: bot.solverCpuSeconds,
    botProcessCpuSeconds: bot.processCpuSeconds,
    botCpuSecondsPerPlace: bot.entered ? bot.solverCpuSeconds / bot.entered : null,
    botProcessCpuSecondsPerPlace: bot.entered ? bot.processCpuSeconds / bot.entered : null,
    botTriesPerProof: bot.solved ? bot.tries / bot.solved : null,
    botUsPerTry: bot.tries ? (bot.solverCpuSeconds * 1e6) / bot.tries : null,
    fanWaitMedianMs: pct(waits, 50),
    fanWaitP95Ms: pct(waits, 95),
    fanChromiumMedianMs: pct(chromium, 50),
    fanChromiumP95Ms: pct(chromium, 95),
    /** @type {number | null} set by addFansAddedWait */
    fanAddedMedianMs: null,
    /** @type {number | null} */
    fanAddedChromiumMedianMs: null,
    /** @type {number | null} */
    fanAddedChromiumP95Ms: null,
  }
}

/** @typedef {ReturnType<typeof saleResult>} SaleResult */

/** A fan's added wait: against the sale with the defences off, when it was run. @param {SaleResult[]} results */
export function addFansAddedWait(results) {
  const off = results.find((r) => r.config === 'off')
  for (const r of results) {
    r.fanAddedMedianMs = off ? r.fanWaitMedianMs - off.fanWaitMedianMs : null
    r.fanAddedChromiumMedianMs = off ? r.fanChromiumMedianMs - off.fanWaitMedianMs : null
    r.fanAddedChromiumP95Ms = off ? r.fanChromiumP95Ms - off.fanWaitP95Ms : null
  }
}

const f1 = (/** @type {number | null} */ x, digits = 1) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(digits))
const pc = (/** @type {number} */ x) => `${(x * 100).toFixed(1)}%`

/**
 * @param {{ scale: { fans: number, accounts: number, phones: number, botSeconds: number }, entryProofCost: number,
 *   chromiumUsPerTry: number, fanVerificationMedianMs: number, results: SaleResult[] }} summary
 */
export function table(summary) {
  const lines = [
    `F = ${summary.scale.fans} fans; bot: ${summary.scale.accounts} accounts, ${summary.scale.phones} phones, ` +
      `${summary.scale.botSeconds} s of one core; entryProofCost ${summary.entryProofCost} where on; ` +
      `fan's wait in Chromium = its requests + its tries × ${summary.chromiumUsPerTry} µs (bench:proof); ` +
      `a fan's verification, once before the sale: median ${f1(summary.fanVerificationMedianMs / 1000, 2)} s`,
    '',
    "| defences | drawn | bot's entries | bot in first 100 | bot's share of all | bot's solver CPU-s per place | bot's process CPU-s per place | bot µs per try | fan's wait, median (p95) | fan's added wait, median | fan's wait in Chromium (est.), median (p95) |",
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const r of summary.results) {
    const probesRefused = r.botRefused.VERIFICATION_REQUIRED ?? 0
    lines.push(
      `| ${r.config} | ${r.drawn} | ${r.botEntered} of ${r.botAttempted} tried${r.identity ? ` (+${probesRefused} unverified refused)` : ''} | ${r.botFirst100} of ${Math.min(100, r.drawn)} (${pc(r.botShareFirst100)}) | ${pc(r.botShareAll)} | ` +
        `${r.proofCost ? f1(r.botCpuSecondsPerPlace, 3) : '— (no proof)'} | ${f1(r.botProcessCpuSecondsPerPlace, 4)} | ${f1(r.botUsPerTry, 2)} | ` +
        `${f1(r.fanWaitMedianMs / 1000, 2)} s (${f1(r.fanWaitP95Ms / 1000, 2)} s) | ${f1(r.fanAddedMedianMs / 1000, 2)} s | ` +
        `${r.proofCost ? `${f1(r.fanChromiumMedianMs / 1000, 2)} s (${f1(r.fanChromiumP95Ms / 1000, 2)} s)` : '—'} |`,
    )
  }
  return lines.join('\n')
}
