// @ts-check
// The waitlist for returned seats (issue #33) in real browsers, registered by sale.test.mjs so
// that it shares its one `npm start` and Chromium (this file defines tests only when asked: run
// on its own by `node --test`, it has none). A concert of 2 seats is sold out through the API;
// a fan on a phone sees it said plainly and joins the waitlist on the page (number 1); a buyer
// refunds through the API, the fan's page shows the offer with its countdown within 2 s, pushed
// on its waitlist stream (no list fetched meanwhile), the
// fan pays it there with no place in line, and the ticket is in My tickets. The console then
// shows the concert's waitlist by date, with the offer fulfilled.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  adminToken,
  api,
  base,
  browser,
  buy,
  person,
  settled,
  shots,
  wait,
  watchPolicy,
} from '../support/e2e-service.mjs'

/** The README's pictures. */
const docs = 'docs'

/**
 * A tap on an element below the fold of a phone: scrolled to first, then clicked.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 */
async function press(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded()
  await page.click(selector)
}

/** A new account through the API: its access token. */
const newUser = async () => (await api('POST', '/api/users', {})).body.accessToken

export function waitlistTests() {
  test('the waitlist: a fan joins a sold-out concert on the page, a refund offers them the seat with a countdown, they pay it there and the ticket is theirs', async () => {
    const date = new Date(Date.now() + 25 * 86_400_000).toISOString().slice(0, 10)
    const concert = await api(
      'POST',
      '/api/admin/concerts',
      { title: 'E2E Waitlist', venue: 'Small Hall', dates: [{ date, price: 50_000 }], seatsPerDate: 2 },
      adminToken,
    )
    assert.equal(concert.status, 201, JSON.stringify(concert.body))
    const concertId = concert.body.concertId

    // Two buyers take both seats: the concert is sold out.
    const [first, second] = await Promise.all([newUser(), newUser()])
    await buy(concertId, date, first, [1])
    await buy(concertId, date, second, [2])
    // The sale's state is a second old at most: the page opens on the sold-out one.
    for (let i = 0; i < 20 && (await api('GET', `/api/concerts/${concertId}/sale`)).body.state !== 'SOLD_OUT'; i++)
      await wait(200)

    // Da-eun, on a phone, is told plainly and joins the waitlist for one seat of that date.
    const daeun = await person('daeun', { width: 390, height: 844 })
    /** The paths her page asks for, in order. */
    const asked = []
    daeun.on('request', (request) => asked.push(new URL(request.url()).pathname))
    await daeun.goto(`${base}/?concert=${concertId}`)
    await daeun.waitForSelector('.concert.selected')
    await settled(daeun)
    await daeun.waitForFunction(
      () => document.querySelector('#sale-schedule')?.textContent === 'Sold out — the waitlist is open',
    )
    assert.equal(await daeun.textContent('#waitlist-sold-out'), 'Sold out — the waitlist is open')
    // The form's dates come from GET .../waitlist/options: the sold-out date is listed though the catalog's are not.
    await daeun.waitForSelector(`#waitlist-date option[value="${date}"]`, { state: 'attached' })
    assert.match(await daeun.textContent('#waitlist-auto-pay-note'), /paid from your balance/)
    await daeun.locator('#waitlist').screenshot({ path: `${shots}/20-waitlist-form.png` })
    await daeun.selectOption('#waitlist-date', date)
    assert.equal(await daeun.inputValue('#waitlist-date'), date)
    assert.equal(
      await daeun.getAttribute('#waitlist-seats', 'max'),
      '4',
      "the seats' max is the policy's (the default)",
    )
    await daeun.fill('#waitlist-seats', '1')
    await press(daeun, '#waitlist-join')
    await daeun.waitForSelector('#waitlist-entries [data-status="WAITING"]')
    assert.equal(await daeun.textContent('#message'), "You're on the waitlist: number 1.")
    assert.equal(await daeun.textContent('#waitlist-entries .waitlist-status'), 'Waiting · number 1')
    assert.equal(await daeun.$('#waitlist-form'), null, 'one live entry per concert: no second form')
    const mine = await api('GET', '/api/users/me/waitlist', undefined, await tokenOf(daeun))
    assert.equal(mine.body.entries.length, 1)
    assert.equal(mine.body.entries[0].position, 1)

    // She tops up, as she would to pay; then the first buyer refunds, and the seat is offered to her.
    await press(daeun, '#charge')
    await daeun.waitForFunction(() => document.querySelector('#balance')?.textContent !== '0 KRW')
    const { reservations } = (await api('GET', '/api/users/me/reservations', undefined, first)).body
    // The page follows her entry on a waitlist stream; from the refund on it fetches no list: the offer is pushed.
    for (let i = 0; i < 50 && !asked.includes(`/api/concerts/${concertId}/waitlist/events`); i++) await wait(100)
    assert.ok(asked.includes(`/api/concerts/${concertId}/waitlist/events`), 'the page follows its waitlist stream')
    const before = asked.length
    const refund = await api('POST', `/api/users/me/reservations/${reservations[0].reservationId}/refund`, {}, first)
    assert.equal(refund.status, 201, JSON.stringify(refund.body))
    await daeun.waitForSelector('#waitlist-entries [data-status="OFFERED"]', { timeout: 2_000 })
    assert.ok(
      !asked.slice(before).includes('/api/users/me/waitlist'),
      'the offer came by push, not by a poll of the list',
    )
    const left = await daeun.textContent('#waitlist-entries [data-offer-left]')
    assert.match(left ?? '', /^(10:00|9:[0-5]\d)$/, 'the default 10 minutes, counting down')
    await daeun.waitForFunction(
      (before) => document.querySelector('#waitlist-entries [data-offer-left]')?.textContent !== before,
      left,
    )
    await daeun.locator('#waitlist').scrollIntoViewIfNeeded()
    await daeun.locator('#waitlist').screenshot({ path: `${docs}/waitlist.png` })

    // She pays it on the page: the entry is fulfilled, and seat 1 is her ticket.
    await press(daeun, '#waitlist-entries [data-pay-offer]')
    await daeun.waitForSelector('#waitlist-entries [data-status="FULFILLED"]')
    assert.equal(await daeun.textContent('#message'), 'Paid: your tickets are in My tickets.')
    await daeun.waitForSelector('#held-tickets [data-seat="1"][data-status="VALID"]')
    assert.match(await daeun.textContent('#ticket-list'), new RegExp(`${date} · Seat 1 · 50,000 KRW`))

    // The console shows the date's waitlist: no one waiting, one offer fulfilled.
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 1000 } })
    const operator = await context.newPage()
    operator.on('pageerror', (err) => console.error('operator page error:', err.message))
    await watchPolicy(operator, 'operator')
    await operator.goto(`${base}/admin`)
    await operator.fill('#token', adminToken)
    await operator.click('#sign-in button[type=submit]')
    await operator.click(`[data-concert="${concertId}"]`)
    const row = `#waitlist-table [data-waitlist-date="${date}"]`
    await operator.waitForSelector(row)
    assert.equal(await operator.textContent(`${row} [data-count="waiting"]`), '0')
    assert.equal(await operator.textContent(`${row} [data-count="fulfilled"]`), '1')
    await operator.waitForSelector('#waitlist-chart .uplot')
    await context.close()
    await daeun.context().close()
  })
}

/**
 * The access token the page signed in with.
 * @param {import('playwright-core').Page} page
 */
const tokenOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('user') ?? '{}').accessToken)
