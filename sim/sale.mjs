// @ts-check
// `npm run sim:sale`: seeded histories of a whole sale against the real Worker and Durable
// Objects in workerd (sim/sale/, vitest.sim.config.ts), every invariant checked after every
// step; a failure is shrunk to the shortest history that fails and printed with its replay.
//   --seed S        the run's seed (default: from the clock; printed, to replay the run)
//   --steps N       about this many steps in all (histories of up to 20 steps, 10 on average)
//   --histories H   exactly this many histories (default 200 without --steps: CI's budget)
//   --path P        replay the history fast-check named by this path (with the same --seed)
//   --replay-path R which steps of that history ran, as a failure prints it (with --path)
// Prints: histories, steps, requests, alarms run, faults injected by kind, invariant checks
// made, events written and delivered, and the seed. docs/reliability.md, "The seeded simulation".
import { spawn } from 'node:child_process'
import { parseArgs, stripVTControlCharacters } from 'node:util'

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    steps: { type: 'string' },
    histories: { type: 'string' },
    path: { type: 'string' },
    'replay-path': { type: 'string' },
  },
})
const seed = values.seed ?? String(Date.now() % 2 ** 31)
const started = performance.now()

const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.sim.config.ts', '--reporter=dot'], {
  env: {
    ...process.env,
    SIM_SEED: seed,
    SIM_STEPS: values.steps ?? '',
    SIM_HISTORIES: values.histories ?? '',
    SIM_PATH: values.path ?? '',
    SIM_REPLAY_PATH: values['replay-path'] ?? '',
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
})

// Stopped (Ctrl-C, a CI timeout): vitest and its workerd stop too.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal))

let output = ''
child.stdout.on('data', (chunk) => (output += chunk))
child.stderr.on('data', (chunk) => (output += chunk))

/** The run's figures: the test's last `SIM_SUMMARY {...}` line (a failure's report may quote the source that prints it). */
function summaryOf(text) {
  let found = null
  for (const [, json] of text.matchAll(/SIM_SUMMARY (\{.*\})\s*$/gm)) {
    try {
      found = JSON.parse(json)
    } catch {
      // Not the line itself.
    }
  }
  return found
}

const code = await new Promise((resolve) => child.on('close', resolve))
const seconds = ((performance.now() - started) / 1000).toFixed(1)
const summary = summaryOf(output)
if (code !== 0 || !summary) {
  // The failure's report (fast-check's shortest history and its replay) is in vitest's output;
  // the service's own log lines are left out.
  process.stdout.write(
    output
      .split('\n')
      .filter((line) => !line.includes('{"level":'))
      .join('\n'),
  )
}
if (summary) {
  const faults = Object.entries(summary.faults).map(([kind, n]) => `${kind} ${n}`)
  const n = (x) => Number(x).toLocaleString('en-US')
  console.log(
    [
      `sim:sale seed ${summary.seed}: ${n(summary.histories)} histories, ${n(summary.steps)} steps, ${n(summary.requests)} requests, ${n(summary.alarms)} alarms run in ${seconds} s`,
      `  faults injected: ${faults.join(', ')} (${n(Object.values(summary.faults).reduce((a, b) => Number(a) + Number(b), 0))} in all)`,
      `  invariant checks: ${n(summary.checks)}`,
      `  events: ${n(summary.eventsWritten)} written, ${n(summary.eventsDelivered)} delivered once, ${n(summary.eventsDeadLettered)} dead-lettered`,
      `  actions: ${Object.entries(summary.actions)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, count]) => `${name} ${count}`)
        .join(', ')}`,
      code === 0
        ? `  passed; replay with: npm run sim:sale -- --seed ${summary.seed}${values.steps ? ` --steps ${values.steps}` : ''}${values.histories ? ` --histories ${values.histories}` : ''}`
        : `  FAILED; ${/Replay: (npm run sim:sale [^\n]*)/.exec(stripVTControlCharacters(output))?.[1] ?? `replay with: npm run sim:sale -- --seed ${summary.seed}`}`,
    ].join('\n'),
  )
}
process.exit(code ?? 1)
