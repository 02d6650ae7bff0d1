// @ts-check
// `npm run bench:bots`: what the fair-entry defences do against a bot at a scheduled sale
// (issue #30, docs/fairness.md). The built bundle is served as deployed (serve-bundle.mjs),
// with SMS_WEBHOOK_URL at the stand-in SMS gateway (test/support/sms-gateway.mjs), whose codes
// the bench reads as the phones' owners would. For each configuration (defences off / identity
// only / proof only / both) one concert's pre-queue opens and is drawn at its opening:
//   - F fans (--fans, 1,000), each a real account verified with a phone of its own, enter
//     once; with proof on each fetches its challenge and solves it. A fan's page solves in a
//     Web Worker; here the fans solve with the plain synchronous node:crypto loop (on worker
//     threads of this process, one fan's solve at a time per thread) and a fan's wait in
//     Chromium is its tries times Chromium's measured time per try (bench:proof, --chromium-us);
//   - one bot, its own process, with B accounts (--accounts, 10,000) and N phones (--phones,
//     20), enters as many of its accounts as it can within its budget of W seconds of one core
//     (--bot-seconds): with identity on, only the accounts its phones could verify (one phone
//     one account); with proof on, one proof per entry, solved by the same plain loop (the
//     fastest solver it has here), its solver's CPU measured by process.cpuUsage.
// The fans enter first, then the bot: a pre-queue is drawn at random, so the order of entries
// in it changes nothing, and the two do not compete for this machine's two cores.
// All requests come from 127.0.0.1, which the per-address limits do not count (docs/api.md).
// Results: a markdown table on stdout and bench/results/bots.json.
//   node bench/bots.mjs [--quick] [--fans F] [--accounts B] [--phones N] [--cost C]
//                       [--bot-seconds W] [--threads T] [--only off,identity,proof,both]
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort } from 'node:worker_threads'
import { sign } from 'hono/jwt'

/**
 * The plain loop (bench/proof-cost.mjs's): one synchronous node:crypto SHA-256 per try.
 * @param {{ challenge: string, salt: string, maxnumber: number }} work
 * @returns {number | null} the number, which is also the tries made less one
 */
export function solve({ challenge, salt, maxnumber }) {
  for (let n = 0; n <= maxnumber; n++) {
    if (
      createHash('sha256')
        .update(salt + n)
        .digest('hex') === challenge
    )
      return n
  }
  return null
}

/** @param {{ algorithm: string, challenge: string, salt: string, signature: string }} work @param {number} number */
const proofHeader = (work, number) =>
  Buffer.from(
    JSON.stringify({
      algorithm: work.algorithm,
      challenge: work.challenge,
      number,
      salt: work.salt,
      signature: work.signature,
    }),
  ).toString('base64')

/** A POST or GET; a kept-alive connection the server had closed is retried (entries are idempotent). */
async function request(url, init, attempts = 3) {
  try {
    const res = await fetch(url, init)
    return { status: res.status, body: await res.json() }
  } catch (err) {
    if (attempts <= 1 || err?.cause?.code !== 'UND_ERR_SOCKET') throw err
    return request(url, init, attempts - 1)
  }
}

/** @param {number} count @param {number} concurrency @param {(i: number) => Promise<unknown>} task */
async function pool(count, concurrency, task) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count) await task(next++)
    }),
  )
}

const seconds = (/** @type {{ user: number, system: number }} */ u) => (u.user + u.system) / 1e6

// ---- the bot: its own process, `node bench/bots.mjs --bot <spec.json>` --------------------------
/**
 * @param {{ base: string, concertId: string, tokens: string[], verified: number, identity: boolean,
 *   proof: boolean, deadline: number, probes: number }} spec
 */
async function runBot(spec) {
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
      solverCpu += seconds(process.cpuUsage(before))
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
    processCpuSeconds: seconds(process.cpuUsage(cpu0)),
  }
}

// ---- the fans' solver threads --------------------------------------------------------------
if (!isMainThread && parentPort) {
  const port = parentPort
  port.on('message', (work) => {
    const t0 = performance.now()
    const number = solve(work)
    port.postMessage({ number, ms: performance.now() - t0 })
  })
}

/** @param {number} threads */
function solverPool(threads) {
  const idle = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url)))
  const all = [...idle]
  /** @type {Array<() => void>} */
  const waiting = []
  return {
    /** @param {object} work @returns {Promise<{ number: number | null, ms: number }>} */
    async solve(work) {
      while (idle.length === 0) await new Promise((r) => waiting.push(() => r(undefined)))
      const worker = /** @type {Worker} */ (idle.pop())
      try {
        return await new Promise((resolve, reject) => {
          worker.once('message', resolve)
          worker.once('error', reject)
          worker.postMessage(work)
        })
      } finally {
        worker.removeAllListeners('error')
        idle.push(worker)
        waiting.shift()?.()
      }
    },
    close: () => Promise.all(all.map((w) => w.terminate())),
  }
}

// ---- the run -------------------------------------------------------------------------------
/** @param {string[]} argv */
function options(argv) {
  const flag = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? Number(argv[i + 1]) : fallback
  }
  const quick = argv.includes('--quick')
  const only = argv.indexOf('--only')
  return {
    quick,
    fans: flag('fans', quick ? 100 : 1_000),
    accounts: flag('accounts', quick ? 1_000 : 10_000),
    phones: flag('phones', 20),
    // The issue's two targets cannot both be met (docs/fairness.md): 400,000 keeps a fan's
    // average solve in Chromium under 3 s (200,000 tries at 13.4 µs) and prices a bot's entry
    // at about a quarter to a half of a core-second of the plain loop.
    cost: flag('cost', 400_000),
    botSeconds: flag('bot-seconds', quick ? 15 : 30),
    threads: flag('threads', 2),
    // Chromium's time per try, µs: bench:proof's slower median, 13.4 s at 1,000,000 tries (docs/benchmarks.md).
    chromiumUs: flag('chromium-us', 13.4),
    configs: only >= 0 ? argv[only + 1].split(',') : ['off', 'identity', 'proof', 'both'],
  }
}

const CONFIGS = {
  off: { identity: false, proof: false },
  identity: { identity: true, proof: false },
  proof: { identity: false, proof: true },
  both: { identity: true, proof: true },
}

/** @param {number[]} xs @param {number} p */
const pct = (xs, p) => {
  if (xs.length === 0) return NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function main() {
  const { serveBundle, ADMIN_TOKEN, AUTH_SECRET } = await import('./serve-bundle.mjs')
  const { startSmsGateway } = await import('../test/support/sms-gateway.mjs')
  const opts = options(process.argv.slice(2))
  const startedAt = new Date().toISOString()
  const gateway = await startSmsGateway(0)
  const address = gateway.address()
  const gatewayUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  // PHONE_HASH_KEY is a secret in production (keys the phones' hashes); serveBundle sets only AUTH_SECRET and ADMIN_TOKEN.
  const server = await serveBundle({
    vars: { SMS_WEBHOOK_URL: `${gatewayUrl}/sms`, PHONE_HASH_KEY: 'bench-phone-hash-key-0123456789abcdef0123456789' },
  })
  const base = server.url
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
  const solvers = solverPool(opts.threads)
  console.error(
    `bots: ${opts.fans} fans, a bot with ${opts.accounts} accounts and ${opts.phones} phones, ` +
      `entryProofCost ${opts.cost}, the bot's budget ${opts.botSeconds} s; configurations ${opts.configs.join(', ')}`,
  )
  try {
    const json = async (method, path, body, headers = {}) => {
      const res = await request(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
      return res.body
    }
    /** A real account verified with this phone, the code read from the gateway as the phone would show it. */
    const verify = async (/** @type {string} */ token, /** @type {string} */ phone) => {
      const auth = { authorization: `Bearer ${token}` }
      const asked = await request(`${base}/api/users/me/verification`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ phone }),
      })
      if (asked.status !== 201) return asked.body?.error?.code ?? String(asked.status)
      const sms = await request(`${gatewayUrl}/messages?to=${encodeURIComponent(phone)}`, {})
      const code = sms.body.messages.at(-1).code
      const confirmed = await request(`${base}/api/users/me/verification/confirm`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ verificationId: asked.body.verificationId, code }),
      })
      return confirmed.status === 200 ? 'VERIFIED' : (confirmed.body?.error?.code ?? String(confirmed.status))
    }
    const newUser = async () => (await json('POST', '/api/users', {})).accessToken

    // Accounts, made and verified once before the sales (not timed as anyone's wait).
    const s0 = performance.now()
    /** @type {string[]} */
    const fans = new Array(opts.fans)
    /** @type {number[]} */
    const verifyMs = new Array(opts.fans)
    await pool(opts.fans, 32, async (i) => {
      fans[i] = await newUser()
      const t0 = performance.now()
      const outcome = await verify(fans[i], `+8210${String(i).padStart(8, '0')}`)
      verifyMs[i] = performance.now() - t0
      if (outcome !== 'VERIFIED') throw new Error(`fan ${i}: ${outcome}`)
    })
    // The bot: its first N accounts real and verified with its N phones; one more account tried
    // on a phone already used (one phone one account: IDENTITY_IN_USE); the rest made beforehand
    // (signed here: making accounts is not what is measured, and 127.0.0.1 is not limited).
    const botPhones = Array.from({ length: opts.phones }, (_, j) => `+8219${String(j).padStart(8, '0')}`)
    const botTokens = []
    for (let j = 0; j < Math.min(opts.phones, opts.accounts); j++) {
      const token = await newUser()
      const outcome = await verify(token, botPhones[j])
      if (outcome !== 'VERIFIED') throw new Error(`bot phone ${j}: ${outcome}`)
      botTokens.push(token)
    }
    const reuse = await verify(await newUser(), botPhones[0])
    const exp = Math.floor(Date.now() / 1000) + 6 * 3600
    const rest = await Promise.all(
      Array.from({ length: opts.accounts - botTokens.length }, () =>
        sign({ typ: 'access', sub: crypto.randomUUID(), exp }, AUTH_SECRET, 'HS256'),
      ),
    )
    botTokens.push(...rest)
    console.error(
      `accounts made and ${opts.fans + botPhones.length} verified in ${((performance.now() - s0) / 1000).toFixed(0)} s; ` +
        `a second account on one of the bot's phones: ${reuse}`,
    )

    const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
    /** @type {any[]} */
    const results = []
    for (const name of opts.configs) {
      const config = CONFIGS[name]
      if (!config) throw new Error(`unknown configuration ${name}`)
      // The opening leaves room for the fans' entries (their solves, two at a time here) and the bot's budget.
      const perTryUs = calibrate()
      const fansMs = config.proof ? (opts.fans * (opts.cost / 2) * perTryUs) / 1000 / opts.threads : opts.fans * 2
      const opensIn = fansMs * 1.6 + 5_000 + opts.botSeconds * 1000 + 4_000
      const opensAt = Date.now() + opensIn
      const queuePolicy = {
        maxActiveUsers: 100,
        maxWaitingUsers: 1_000_000,
        idleTimeoutSeconds: 86_400,
        requireVerifiedIdentity: config.identity,
        entryProofCost: config.proof ? opts.cost : null,
      }
      const sale = {
        opensAt: new Date(opensAt).toISOString(),
        preQueueOpensAt: new Date(Date.now() - 1000).toISOString(),
      }
      const { concertId } = await json(
        'POST',
        '/api/admin/concerts',
        { title: `Bots: ${name}`, dates: [{ date, price: 1000 }], queuePolicy, sale },
        admin,
      )
      console.error(`${name}: the pre-queue is open; the opening in ${(opensIn / 1000).toFixed(0)} s`)

      // The fans: a fan's wait is its own requests and its own solve, as on its own device.
      /** @type {Array<{ waitMs: number, chromiumMs: number, solveMs: number, entryId: string }>} */
      const fanResults = new Array(opts.fans)
      const f0 = performance.now()
      await pool(opts.fans, 32, async (i) => {
        const auth = { authorization: `Bearer ${fans[i]}` }
        /** @type {Record<string, string>} */
        const headers = { ...auth }
        let waitMs = 0
        let solveMs = 0
        let chromiumMs = 0
        if (config.proof) {
          const t0 = performance.now()
          const got = await request(`${base}/api/concerts/${concertId}/queue/challenge`, { headers: auth })
          if (got.status !== 200) throw new Error(`fan ${i} challenge: ${got.status} ${JSON.stringify(got.body)}`)
          waitMs += performance.now() - t0
          const solved = await solvers.solve(got.body)
          if (solved.number === null) throw new Error(`fan ${i}: not solved`)
          solveMs = solved.ms
          chromiumMs = ((solved.number + 1) * opts.chromiumUs) / 1000
          headers['x-entry-proof'] = proofHeader(got.body, solved.number)
        }
        const t1 = performance.now()
        const res = await request(`${base}/api/concerts/${concertId}/queue/tokens`, { method: 'POST', headers })
        if (res.status !== 201) throw new Error(`fan ${i} entry: ${res.status} ${JSON.stringify(res.body)}`)
        waitMs += performance.now() - t1
        fanResults[i] = {
          waitMs: waitMs + solveMs,
          chromiumMs: waitMs + chromiumMs,
          solveMs,
          entryId: res.body.entryId,
        }
      })
      console.error(`${name}: ${opts.fans} fans entered in ${((performance.now() - f0) / 1000).toFixed(0)} s`)

      // The bot, in its own process, until its budget or the opening (less a margin), whichever is first.
      const deadline = Math.min(Date.now() + opts.botSeconds * 1000, opensAt - 2_000)
      const bot = await runBotProcess({
        base,
        concertId,
        tokens: botTokens,
        verified: Math.min(opts.phones, opts.accounts),
        identity: config.identity,
        proof: config.proof,
        deadline,
        probes: 10,
      })
      console.error(
        `${name}: the bot made ${bot.entered} entries of ${bot.attempted} tried (refused ${JSON.stringify(bot.refused)}), ` +
          `solver ${bot.solverCpuSeconds.toFixed(1)} CPU-s`,
      )

      // The draw at the opening, read from its public route.
      while (Date.now() < opensAt + 1_000) await new Promise((r) => setTimeout(r, 200))
      let draw
      for (let attempt = 0; ; attempt++) {
        const res = await request(`${base}/api/concerts/${concertId}/sale/draw`, {})
        if (res.status === 200) {
          draw = res.body
          break
        }
        if (attempt > 50) throw new Error(`draw: ${res.status} ${JSON.stringify(res.body)}`)
        await new Promise((r) => setTimeout(r, 200))
      }
      const botIds = new Set(bot.entryIds)
      /** @type {string[]} */
      const order = draw.entries
      const first = order.slice(0, 100)
      const waits = fanResults.map((f) => f.waitMs)
      const chromium = fanResults.map((f) => f.chromiumMs)
      results.push({
        config: name,
        identity: config.identity,
        proofCost: config.proof ? opts.cost : null,
        drawn: order.length,
        fansEntered: fanResults.length,
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
      })
    }
    const off = results.find((r) => r.config === 'off')
    for (const r of results) {
      r.fanAddedMedianMs = off ? r.fanWaitMedianMs - off.fanWaitMedianMs : null
      r.fanAddedChromiumMedianMs = off ? r.fanChromiumMedianMs - off.fanWaitMedianMs : null
      r.fanAddedChromiumP95Ms = off ? r.fanChromiumP95Ms - off.fanWaitP95Ms : null
    }
    const summary = {
      startedAt,
      command: `node bench/bots.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      scale: { fans: opts.fans, accounts: opts.accounts, phones: opts.phones, botSeconds: opts.botSeconds },
      entryProofCost: opts.cost,
      chromiumUsPerTry: opts.chromiumUs,
      secondAccountOnAPhone: reuse,
      // A fan's verification (code asked, read from the gateway, confirmed), once, before any sale.
      fanVerificationMedianMs: pct(verifyMs, 50),
      results,
    }
    mkdirSync('bench/results', { recursive: true })
    writeFileSync('bench/results/bots.json', `${JSON.stringify(summary, null, 2)}\n`)
    console.log(table(summary))
  } finally {
    await solvers.close()
    await server.dispose()
    gateway.close()
  }
}

/** µs per try of the plain loop on this machine now (a short sample). */
function calibrate() {
  solve({ challenge: '', salt: 'warm-up', maxnumber: 20_000 })
  const t0 = performance.now()
  solve({ challenge: '', salt: 'calibrate', maxnumber: 100_000 })
  return ((performance.now() - t0) * 1000) / 100_001
}

/** @param {Parameters<typeof runBot>[0]} spec @returns {Promise<Awaited<ReturnType<typeof runBot>>>} */
async function runBotProcess(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'bots-'))
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(spec))
  try {
    const out = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--bot', file], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let text = ''
      child.stdout.on('data', (d) => (text += d))
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the bot exited ${code}`))))
    })
    return JSON.parse(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const f1 = (/** @type {number | null} */ x, digits = 1) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(digits))
const pc = (/** @type {number} */ x) => `${(x * 100).toFixed(1)}%`

function table(summary) {
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
    lines.push(
      `| ${r.config} | ${r.drawn} | ${r.botEntered} of ${r.botAttempted} tried${r.identity ? ' (+10 unverified refused)' : ''} | ${r.botFirst100} of ${Math.min(100, r.drawn)} (${pc(r.botShareFirst100)}) | ${pc(r.botShareAll)} | ` +
        `${r.proofCost ? f1(r.botCpuSecondsPerPlace, 3) : '— (no proof)'} | ${f1(r.botProcessCpuSecondsPerPlace, 4)} | ${f1(r.botUsPerTry, 2)} | ` +
        `${f1(r.fanWaitMedianMs / 1000, 2)} s (${f1(r.fanWaitP95Ms / 1000, 2)} s) | ${f1(r.fanAddedMedianMs / 1000, 2)} s | ` +
        `${r.proofCost ? `${f1(r.fanChromiumMedianMs / 1000, 2)} s (${f1(r.fanChromiumP95Ms / 1000, 2)} s)` : '—'} |`,
    )
  }
  return lines.join('\n')
}

if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--bot')
  if (at >= 0) {
    const result = await runBot(JSON.parse(readFileSync(process.argv[at + 1], 'utf8')))
    process.stdout.write(JSON.stringify(result))
  } else {
    await main()
  }
}
