// @ts-check
// Tickets at the gate (issue #32) in real browsers, registered by sale.test.mjs so that they
// share its one `npm start` and Chromium (this file defines tests only when asked: run on its
// own by `node --test`, it has none). A fan buys two seats (through the API, as a plain client),
// sees a ticket's code as a QR code on the fans' page and gives it to a friend there; the gate
// page, set up with a scanner the admin API made, refuses the code shown before the gift,
// admits the friend's code once, and, with the network cut, admits the other ticket on the
// device's own check, refuses it a second time and sends the check-in once back online.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { adminToken, api, base, browser, buy, person, settled, shots, watchPolicy } from '../support/e2e-service.mjs'

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

/**
 * The code a fan's page shows for the ticket of that seat, as the QR code carries it.
 * @param {import('playwright-core').Page} page
 * @param {number} seat
 */
async function shownCode(page, seat) {
  const row = `#held-tickets [data-seat="${seat}"]`
  await page.waitForSelector(`${row}[data-status="VALID"]`)
  if (!(await page.$(`${row} #ticket-qr`))) await press(page, `${row} [data-show-code]`)
  await page.waitForSelector(`${row} #ticket-qr path`)
  return /** @type {string} */ (await page.getAttribute(`${row} #ticket-qr`, 'data-code'))
}

/**
 * A code checked at the gate page, typed as by hand; the verdict that follows it.
 * @param {import('playwright-core').Page} gate
 * @param {string} code
 */
async function scan(gate, code) {
  const before = (await gate.evaluate(() => document.querySelector('#verdict')?.getAttribute('data-at'))) ?? ''
  await gate.fill('#gate-code', code)
  await gate.click('#gate-check')
  await gate.waitForFunction((at) => {
    const verdict = document.querySelector('#verdict')
    return verdict !== null && verdict.getAttribute('data-at') !== at
  }, before)
  return {
    verdict: await gate.getAttribute('#verdict', 'data-verdict'),
    reason: await gate.getAttribute('#verdict', 'data-reason'),
    text: await gate.textContent('#verdict'),
  }
}

export function gateTests() {
  test('tickets at the gate: a QR code that renews, a ticket given to a friend, the gate admits the new holder once and refuses the old code, and works offline', async () => {
    const date = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10)
    const concert = await api(
      'POST',
      '/api/admin/concerts',
      {
        title: 'E2E Gate',
        venue: 'Olympic Hall',
        dates: [{ date, price: 50_000 }],
        queuePolicy: { maxActiveUsers: 5 },
      },
      adminToken,
    )
    assert.equal(concert.status, 201)
    const concertId = concert.body.concertId

    // The gate first, set up once with a scanner the console would make: it fetches the keys.
    const scanner = await api('POST', `/api/admin/concerts/${concertId}/scanners`, { name: 'North door' }, adminToken)
    assert.equal(scanner.status, 201, JSON.stringify(scanner.body))
    const gateContext = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } })
    const gate = await gateContext.newPage()
    gate.on('pageerror', (err) => console.error('gate page error:', err.message))
    await watchPolicy(gate, 'gate')
    await gate.goto(`${base}/gate?concert=${concertId}`)
    assert.equal(await gate.inputValue('#gate-concert'), concertId)
    await gate.fill('#gate-token', scanner.body.token)
    await gate.click('#gate-start')
    await gate.waitForFunction(() =>
      /Keys for offline checks: [1-9]/.test(document.querySelector('#gate-keys')?.textContent ?? ''),
    )
    assert.match(await gate.textContent('#no-camera'), /type or paste the code/) // no BarcodeDetector on Linux
    assert.equal(await gate.evaluate(() => JSON.parse(localStorage.getItem('gate.setup') ?? '{}').concertId), concertId)

    // Ha-eun buys seats 1 and 2; her page lists them, and shows seat 1's code as a QR code.
    const haeun = await person('haeun', { width: 390, height: 844 })
    await haeun.goto(`${base}/?concert=${concertId}`)
    await haeun.waitForSelector('.concert.selected')
    await settled(haeun)
    const haeunToken = await haeun.evaluate(() => JSON.parse(localStorage.getItem('user') ?? '{}').accessToken)
    await buy(concertId, date, haeunToken, [1, 2])
    await press(haeun, '#refresh-tickets')
    await haeun.waitForSelector('#held-tickets [data-seat="2"]')
    const oldCode = await shownCode(haeun, 1)
    assert.match(oldCode, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a compact JWS')
    assert.match(await haeun.textContent('#code-countdown'), /^New code in \d+ s$/)
    assert.ok(
      (await haeun.$eval('#ticket-qr', (svg) => svg.getBoundingClientRect().width)) >= 300,
      'big enough for a camera',
    )
    await haeun.locator('#my-tickets').screenshot({ path: `${docs}/tickets-qr.png` })

    // She gives it to Jae-min, whose user id his page shows; not to herself, nor to no one.
    const jaemin = await person('jaemin', { width: 390, height: 844 })
    await jaemin.goto(`${base}/`)
    await settled(jaemin)
    await jaemin.waitForFunction(() => (document.querySelector('#my-user-id')?.textContent ?? '').length > 0)
    const jaeminId = (await jaemin.textContent('#my-user-id')) ?? ''
    const give = async (/** @type {string} */ friend) => {
      // After a refusal the form is open again, with the friend's id to correct.
      await haeun.waitForSelector('#friend-id, #held-tickets [data-seat="1"] [data-give]')
      if (!(await haeun.$('#friend-id'))) await press(haeun, '#held-tickets [data-seat="1"] [data-give]')
      await haeun.fill('#friend-id', friend)
      await press(haeun, '#give-next')
      assert.match(await haeun.textContent('#give-confirm'), new RegExp(`Give Seat 1 \\(${date}\\) to ${friend}\\?`))
      const before = await haeun.textContent('#message')
      await press(haeun, '#give-confirm-button')
      await haeun.waitForFunction((text) => {
        const message = document.querySelector('#message')
        return message !== null && !message.hasAttribute('hidden') && message.textContent !== text
      }, before)
      return haeun.textContent('#message')
    }
    const haeunId = (await haeun.textContent('#my-user-id')) ?? ''
    assert.match(await give(haeunId), /can't give a ticket to yourself/)
    assert.match(await give('00000000-0000-4000-8000-000000000000'), /No one has that user id/)
    // A fresh code just before the gift (codes live 30 s): the one the gate must now refuse.
    await press(haeun, '#held-tickets [data-seat="1"] [data-hide-code]')
    await haeun.waitForSelector('#ticket-qr', { state: 'detached' })
    const givenAwayCode = await shownCode(haeun, 1)
    assert.notEqual(givenAwayCode, oldCode)
    assert.match(await give(jaeminId), new RegExp(`Given: Seat 1 \\(${date}\\) is now the ticket of ${jaeminId}`))
    await haeun.waitForSelector('#held-tickets [data-seat="1"]', { state: 'detached' })

    // The code Ha-eun showed before is refused at the gate: the ticket is no longer hers.
    const refusedOld = await scan(gate, givenAwayCode)
    assert.deepEqual([refusedOld.verdict, refusedOld.reason], ['refuse', 'TICKET_NOT_VALID'], refusedOld.text ?? '')
    assert.match(refusedOld.text ?? '', /REFUSE.*given to someone else/s)

    // Jae-min sees it and shows its code; the gate admits him once, green, with the seat.
    await press(jaemin, '#refresh-tickets')
    const jaeminCode = await shownCode(jaemin, 1)
    assert.notEqual(jaeminCode, givenAwayCode)
    const admitted = await scan(gate, jaeminCode)
    assert.equal(admitted.verdict, 'admit', admitted.text ?? '')
    assert.match(admitted.text ?? '', new RegExp(`ADMIT.*${date} · section .* · seat 1`, 's'))
    await gate.screenshot({ path: `${docs}/gate.png` })
    await gate.screenshot({ path: `${shots}/40-gate-admits.png`, fullPage: true })
    const again = await scan(gate, jaeminCode)
    assert.deepEqual([again.verdict, again.reason], ['refuse', 'ALREADY_CHECKED_IN'], again.text ?? '')
    assert.match(again.text ?? '', /Already checked in/)
    await gate.screenshot({ path: `${shots}/41-gate-refuses-twice.png`, fullPage: true })
    await press(jaemin, '#refresh-tickets')
    await jaemin.waitForSelector('#held-tickets [data-seat="1"][data-status="CHECKED_IN"] .checked-in')
    assert.match(await jaemin.textContent('#held-tickets [data-seat="1"]'), /Checked in at/)

    // The network gone: the gate checks seat 2's code itself, admits it and queues the check-in,
    // refuses it a second time on this device, and sends it once back online.
    const code2 = await shownCode(haeun, 2)
    await gateContext.setOffline(true)
    const offline = await scan(gate, code2)
    assert.equal(offline.verdict, 'admit-offline', offline.text ?? '')
    assert.match(offline.text ?? '', /offline, will sync.*seat 2/s)
    assert.equal(await gate.getAttribute('#gate-queued', 'data-queued'), '1')
    assert.match(await gate.textContent('#gate-online'), /Offline/)
    await gate.screenshot({ path: `${shots}/42-gate-offline-admits.png`, fullPage: true })
    const offlineAgain = await scan(gate, code2)
    assert.deepEqual([offlineAgain.verdict, offlineAgain.reason], ['refuse', 'SCANNED_HERE'])
    assert.equal(await gate.getAttribute('#gate-queued', 'data-queued'), '1')
    await gateContext.setOffline(false)
    await gate.waitForSelector('#sync-results [data-sync="checked-in"]', { timeout: 15_000 })
    assert.equal(await gate.getAttribute('#gate-queued', 'data-queued'), '0')
    await gate.screenshot({ path: `${shots}/43-gate-synced.png`, fullPage: true })
    const held = await api('GET', '/api/users/me/tickets', undefined, haeunToken)
    assert.deepEqual(
      held.body.tickets.map((/** @type {any} */ t) => [t.seatNumber, t.status]),
      [[2, 'CHECKED_IN']],
    )

    // The operators see both entries and the scanner's count.
    const stats = await api('GET', `/api/admin/concerts/${concertId}/queue`, undefined, adminToken)
    assert.deepEqual(stats.body.checkIns, [{ date, tickets: 2, checkedIn: 2 }])
    const scanners = await api('GET', `/api/admin/concerts/${concertId}/scanners`, undefined, adminToken)
    assert.equal(scanners.body.scanners[0].checkIns, 2)
    await gateContext.close()
  })
}
