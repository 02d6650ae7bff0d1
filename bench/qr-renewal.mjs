// @ts-check
// A ticket's QR code in Chromium (#32): how long a code takes from the page asking for it to its
// QR code drawn (what each renewal does: the code fetched, encoded by uqr, drawn as SVG), and
// whether the page's own renewals come before the code on screen expires. Against `npm start`
// with Debian's Chromium, through the browser test's harness (test/support/e2e-service.mjs).
// `npm run bench:qr [-- --shows 30 --renewals 2]`; results in bench/results/qr.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { adminToken, api, base, buy, person, settled, startService, stopService } from '../test/support/e2e-service.mjs'

const { values } = parseArgs({ options: { shows: { type: 'string' }, renewals: { type: 'string' } } })
const SHOWS = Number(values.shows ?? 30)
const RENEWALS = Number(values.renewals ?? 2)

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)] ?? NaN
const row = '#held-tickets [data-seat="1"]'
/** @param {string} code */
const expOf = (code) => JSON.parse(Buffer.from(code.split('.')[1] ?? '', 'base64url').toString()).exp * 1000

await startService()
try {
  const date = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10)
  const concert = await api(
    'POST',
    '/api/admin/concerts',
    { title: 'QR bench', dates: [{ date, price: 50_000 }] },
    adminToken,
  )
  const concertId = concert.body.concertId
  const page = await person('qr', { width: 390, height: 844 })
  await page.goto(`${base}/?concert=${concertId}`)
  await settled(page)
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('user') ?? '{}').accessToken)
  await buy(concertId, date, token, [1])
  await page.click('#refresh-tickets')
  await page.waitForSelector(`${row}[data-status="VALID"]`)

  // Shown and hidden again, each time a code fetched and drawn: the work of one renewal.
  const drawnMs = []
  for (let i = 0; i < SHOWS; i++) {
    const started = Date.now()
    await page.click(`${row} [data-show-code]`)
    await page.waitForSelector(`${row} #ticket-qr path`)
    drawnMs.push(Date.now() - started)
    await page.click(`${row} [data-hide-code]`)
    await page.waitForSelector('#ticket-qr', { state: 'detached' })
  }

  // Left on screen: each code the page draws replaces one that has not expired yet, by how much.
  await page.click(`${row} [data-show-code]`)
  await page.waitForSelector(`${row} #ticket-qr path`)
  const marginsMs = []
  let shown = /** @type {string} */ (await page.getAttribute(`${row} #ticket-qr`, 'data-code'))
  for (let i = 0; i < RENEWALS; i++) {
    await page.waitForFunction(
      (old) => {
        const code = document.querySelector('#ticket-qr')?.getAttribute('data-code')
        return code && code !== old && document.querySelector('#ticket-qr path')
      },
      shown,
      { timeout: 60_000 },
    )
    marginsMs.push(expOf(shown) - Date.now())
    shown = /** @type {string} */ (await page.getAttribute(`${row} #ticket-qr`, 'data-code'))
  }

  const result = {
    at: new Date().toISOString(),
    shows: SHOWS,
    codeDrawnMs: { p50: quantile(drawnMs, 0.5), p99: quantile(drawnMs, 0.99), max: Math.max(...drawnMs) },
    renewals: RENEWALS,
    renewedBeforeExpiryMs: { min: Math.min(...marginsMs), all: marginsMs },
  }
  mkdirSync('bench/results', { recursive: true })
  writeFileSync('bench/results/qr.json', JSON.stringify(result, null, 2) + '\n')
  console.log(JSON.stringify(result, null, 2))
  if (Math.min(...marginsMs) <= 0) {
    console.error('a code on screen expired before the page renewed it')
    process.exitCode = 1
  }
} finally {
  await stopService()
}
