// @ts-check
// What the browser test (test/e2e/sale.test.mjs) runs against: `npm start` on E2E_PORT with
// Turnstile on, the stand-in SMS gateway and Turnstile siteverify on free ports, Debian's
// Chromium (never a downloaded browser), the API as a plain client calls it, and pages that
// report every Content-Security-Policy violation and get the stand-in of Turnstile's script.
// The `let` exports are set by startService(): importers see them once it has run.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { startSmsGateway } from './sms-gateway.mjs'
import { startTurnstile, TURNSTILE_TEST_SECRET } from './turnstile.mjs'
import { standInTurnstile } from './turnstile-widget.mjs'

const PORT = Number(process.env.E2E_PORT ?? 8797)
export const base = `http://127.0.0.1:${PORT}`
export const shots = 'test-results/e2e'
/** Cloudflare's documented test site key (it always passes): what the page must render the widget with. */
export const TURNSTILE_SITE_KEY = '1x00000000000000000000AA'

/** @type {import('playwright-core').Browser} */
export let browser
export let adminToken = ''
/** The stand-in SMS gateway that `npm start` sends the verification codes to. */
export let smsBase = ''
/** The stand-in of Turnstile's siteverify that `npm start` checks entries' tokens with (GET /checks). */
export let siteverifyBase = ''
/** @type {import('node:child_process').ChildProcess | undefined} */
let server
/** @type {import('node:http').Server[]} */
let standIns = []

export const wait = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms))

export async function startService() {
  mkdirSync(shots, { recursive: true })
  const [sms, siteverify] = await Promise.all([startSmsGateway(0), startTurnstile(0)])
  standIns = [sms, siteverify]
  const address = (/** @type {import('node:http').Server} */ s) =>
    `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (s.address()).port}`
  smsBase = address(sms)
  siteverifyBase = address(siteverify)
  server = spawn('npm', ['start'], {
    env: {
      ...process.env,
      PORT: String(PORT),
      SMS_WEBHOOK_URL: `${smsBase}/sms`,
      TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRET,
      TURNSTILE_SITE_KEY,
      TURNSTILE_VERIFY_URL: `${siteverifyBase}/siteverify`,
    },
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('npm start did not answer /healthz within 120 s')
    await wait(500)
  }
  adminToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1]?.trim() ?? ''
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The stand-in Turnstile widget's frame is of another site (challenges.cloudflare.com): in a
      // process of its own, a click right after Playwright scrolls a button into view could be
      // routed by the frame's position before the scroll and land in it (seen on the fans' page,
      // taller with My tickets, at #join). In the page's process, hit-testing is synchronous.
      '--disable-site-isolation-trials',
      '--disable-features=IsolateOrigins,site-per-process',
    ],
  })
}

export async function stopService() {
  await browser?.close()
  if (server?.pid) process.kill(-server.pid, 'SIGTERM')
  for (const standIn of standIns) {
    standIn.closeAllConnections()
    standIn.close()
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {string} [token]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<{ status: number; body: any }>}
 */
export async function api(method, path, body, token, headers = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

/**
 * A queue entry by an API client, with a Turnstile token the stand-in siteverify accepts once.
 * @param {string} concertId
 * @param {string} token
 * @param {Record<string, string>} [headers]
 */
export const enter = (concertId, token, headers = {}) =>
  api('POST', `/api/concerts/${concertId}/queue/tokens`, undefined, token, {
    'x-turnstile-token': `pass-${crypto.randomUUID()}`,
    ...headers,
  })

/** A Korean mobile number no other account of the run has (random: two made in one millisecond differ). */
export const newPhone = () => `+8210${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`

/** A new account whose phone is verified through the API, with the code the stand-in gateway received. */
export async function verifiedUser() {
  const user = (await api('POST', '/api/users', {})).body.accessToken
  const phone = newPhone()
  const asked = await api('POST', '/api/users/me/verification', { phone }, user)
  const { messages } = await (await fetch(`${smsBase}/messages?to=${encodeURIComponent(phone)}`)).json()
  const confirm = { verificationId: asked.body.verificationId, code: messages[0].code }
  assert.equal((await api('POST', '/api/users/me/verification/confirm', confirm, user)).status, 200)
  return user
}

/** What the pages' Content-Security-Policy blocked, in any page of any test: checked empty at the end. */
export const violations = /** @type {string[]} */ ([])

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function watchPolicy(page, name) {
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    ),
  )
  page.on('console', (message) => {
    if (/Content Security Policy|CSP violation/.test(message.text())) violations.push(`${name}: ${message.text()}`)
  })
}

/**
 * A fan in a browser of their own, in English, with the stand-in of Turnstile's script.
 * @param {string} name
 * @param {{ width: number; height: number }} viewport
 */
export async function person(name, viewport) {
  const context = await browser.newContext({ locale: 'en-US', viewport })
  await standInTurnstile(context)
  const page = await context.newPage()
  page.on('pageerror', (err) => console.error(`${name} page error:`, err.message))
  await watchPolicy(page, name)
  return page
}

/**
 * Seats bought by an API client for the user of `token`: a place in line, a hold, a payment.
 * @param {string} concertId
 * @param {string} date
 * @param {string} token
 * @param {number[]} seatNumbers
 */
export async function buy(concertId, date, token, seatNumbers) {
  assert.equal((await api('POST', '/api/users/me/balance/charges', { amount: 500_000 }, token)).status, 200)
  const place = await enter(concertId, token)
  assert.equal(place.body.status, 'ACTIVE', JSON.stringify(place.body))
  const queue = { 'x-queue-token': place.body.token }
  const hold = await api('POST', `/api/concerts/${concertId}/reservations`, { date, seatNumbers }, token, queue)
  assert.equal(hold.status, 201, JSON.stringify(hold.body))
  const paid = await api('POST', '/api/payments', { reservationId: hold.body.reservationId }, token, queue)
  assert.equal(paid.status, 201, JSON.stringify(paid.body))
}

/**
 * A fan's page once the human check above the fold stopped changing its height (the Turnstile
 * widget's token comes a moment after the page): a click computed before a shift lands elsewhere.
 * @param {import('playwright-core').Page} page
 */
export const settled = (page) =>
  page.waitForFunction(() => document.querySelector('#turnstile-state')?.textContent === 'Checked: you can enter.')
