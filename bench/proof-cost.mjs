// @ts-check
// `npm run bench:proof`: what a proof of work at the entry costs a fan (docs/api.md, issue #30).
// The same ALTCHA v1 challenge at a cost (entryProofCost, default 1,000,000), its number set to
// the cost (the most a solver tries: a random challenge takes half that on average), solved
//   - in Debian's Chromium, by the fans' page's Web Worker (public/proof-worker.js, built by
//     `npm run build:web`), served from a throwaway local server on PORT (9290);
//   - in Node, by altcha-lib's solveChallenge, the one the worker runs;
//   - in Node, by a synchronous loop over node:crypto's SHA-256, as a client written to pay the
//     cost cheaply would (one core, no WebCrypto promise per try): what the cost is worth
//     (bench/entry-proof.mjs, the loop bench:bots' bot and fans solve with).
// Three runs each; the medians and their ratio are printed.
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createChallenge, solveChallenge } from 'altcha-lib/v1'
import { chromium } from 'playwright-core'
import { solve } from './entry-proof.mjs'

const COST = Number(process.argv[2] ?? 1_000_000)
const PORT = Number(process.env.PORT ?? 9290)
const RUNS = 3
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const challengeOf = () => createChallenge({ hmacKey: 'bench', maxnumber: COST, number: COST })

const node = []
for (let i = 0; i < RUNS; i++) {
  const { challenge, salt, algorithm } = await challengeOf()
  const start = performance.now()
  const solved = await solveChallenge(challenge, salt, algorithm, COST).promise
  node.push(performance.now() - start)
  if (solved?.number !== COST) throw new Error('node: not solved')
}

const native = []
for (let i = 0; i < RUNS; i++) {
  const { challenge, salt } = await challengeOf()
  const start = performance.now()
  const n = solve({ challenge, salt, maxnumber: COST })
  native.push(performance.now() - start)
  if (n !== COST) throw new Error('native: not solved')
}

const worker = readFileSync('public/proof-worker.js')
const server = createServer((req, res) => {
  if (req.url === '/proof-worker.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(worker)
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>proof</title>')
})
await new Promise((resolve) => server.listen(PORT, '127.0.0.1', () => resolve(undefined)))
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
})
const chrome = []
try {
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${PORT}/`)
  for (let i = 0; i < RUNS; i++) {
    const work = await challengeOf()
    const { ms, number } = await page.evaluate(
      (work) =>
        new Promise((resolve, reject) => {
          const w = new Worker('/proof-worker.js', { type: 'module' })
          const start = performance.now()
          w.onmessage = ({ data }) => {
            if ('progress' in data) return
            w.terminate()
            if ('number' in data) resolve({ ms: performance.now() - start, number: data.number })
            else reject(new Error('no solution'))
          }
          w.postMessage(work)
        }),
      work,
    )
    if (number !== COST) throw new Error('chromium: not solved')
    chrome.push(ms)
  }
} finally {
  await browser.close()
  server.close()
}

const [c, n] = [median(chrome), median(node)]
console.log(
  `entryProofCost ${COST.toLocaleString('en-US')}, number = cost (the most a solver tries), median of ${RUNS}`,
)
console.log(
  `Chromium (Web Worker, public/proof-worker.js): ${(c / 1000).toFixed(2)} s   runs ${chrome.map((x) => (x / 1000).toFixed(2)).join(', ')}`,
)
console.log(
  `Node ${process.version} (altcha-lib solveChallenge): ${(n / 1000).toFixed(2)} s   runs ${node.map((x) => (x / 1000).toFixed(2)).join(', ')}`,
)
const d = median(native)
console.log(
  `Node, synchronous node:crypto loop: ${(d / 1000).toFixed(2)} s   runs ${native.map((x) => (x / 1000).toFixed(2)).join(', ')}`,
)
console.log(`Chromium / Node (altcha-lib): ${(c / n).toFixed(2)}; Chromium / synchronous loop: ${(c / d).toFixed(1)}`)
