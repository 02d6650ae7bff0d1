// @ts-check
// The bot: one process of its own (`node bench/bots/bot.mjs spec.json`, its result one JSON on
// stdout), so that its CPU is its own and measured by process.cpuUsage. It has B accounts and N
// phones and enters as many of its accounts as it can within its budget (the spec's deadline):
// with identity on, only the accounts its phones could verify (one phone one account); with
// proof on, one proof per entry, solved by the plain loop, the fastest solver it has here.
// 32 entries in flight, or 4 with proof on (its solves take the CPU; more would only queue).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { request, runScript } from '../client.mjs'
import { proofHeader, solve } from '../entry-proof.mjs'

/**
 * @typedef {{ base: string, concertId: string, tokens: string[], verified: number, identity: boolean,
 *   proof: boolean, deadline: number, probes: number }} BotSpec
 * tokens: its accounts, the first `verified` of them verified with its phones; probes: how many
 * unverified ones it tries first when identity is on.
 */

const cpuSeconds = (/** @type {NodeJS.CpuUsage} */ u) => (u.user + u.system) / 1e6

/** @param {BotSpec} spec */
export async function runBot(spec) {
  const cpu0 = process.cpuUsage()
  let solverCpu = 0
  let solved = 0
  let tries = 0
  /** @type {Record<string, number>} */
  const refused = {}
  /** @type {string[]} */
  const entryIds = []
  const count = (/** @type {string} */ code) => (refused[code] = (refused[code] ?? 0) + 1)
  const enter = async (/** @type {string} */ token, /** @type {boolean} */ withProof) => {
    const auth = { authorization: `Bearer ${token}` }
    /** @type {Record<string, string>} */
    const headers = { ...auth }
    if (withProof) {
      const got = await request(`${spec.base}/api/concerts/${spec.concertId}/queue/challenge`, { headers: auth })
      if (got.status !== 200) return count(got.body?.error?.code ?? String(got.status))
      const before = process.cpuUsage()
      const number = solve(got.body)
      solverCpu += cpuSeconds(process.cpuUsage(before))
      if (number === null) return count('UNSOLVED')
      solved++
      tries += number + 1
      headers['x-entry-proof'] = proofHeader(got.body, number)
    }
    const res = await request(`${spec.base}/api/concerts/${spec.concertId}/queue/tokens`, {
      method: 'POST',
      headers,
    })
    if (res.status === 201 || res.status === 200) entryIds.push(res.body.entryId)
    else count(res.body?.error?.code ?? String(res.status))
  }
  // With identity on the bot knows which of its accounts its phones verified: it probes a few
  // others (refused, so it stops there) and enters with the verified ones.
  const usable = spec.identity ? spec.tokens.slice(0, spec.verified) : spec.tokens
  if (spec.identity)
    for (const token of spec.tokens.slice(spec.verified, spec.verified + spec.probes)) await enter(token, false)
  let next = 0
  let attempted = 0
  await Promise.all(
    Array.from({ length: spec.proof ? 4 : 32 }, async () => {
      while (next < usable.length && Date.now() < spec.deadline) {
        const token = usable[next++]
        attempted++
        await enter(token, spec.proof)
      }
    }),
  )
  return {
    attempted,
    entered: entryIds.length,
    entryIds,
    refused,
    solved,
    tries,
    solverCpuSeconds: solverCpu,
    processCpuSeconds: cpuSeconds(process.cpuUsage(cpu0)),
  }
}

/** The bot run in a process of its own. @param {BotSpec} spec @returns {Promise<Awaited<ReturnType<typeof runBot>>>} */
export const runBotProcess = (spec) => runScript(fileURLToPath(import.meta.url), spec)

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runBot(JSON.parse(readFileSync(process.argv[2], 'utf8')))
  process.stdout.write(JSON.stringify(result))
}
