// @ts-check
// The service the bots bench runs against, and the accounts made on it before any sale: the
// built bundle served as deployed (../serve-bundle.mjs), its SMS_WEBHOOK_URL at the stand-in
// gateway (test/support/sms-gateway.mjs), whose codes are read as the phones' owners would.
// Both listen on ports the system picks, so runs side by side do not clash.
import { performance } from 'node:perf_hooks'
import { startSmsGateway } from '../../test/support/sms-gateway.mjs'
import { benchClient, request } from '../client.mjs'
import { pool } from '../pool.mjs'
import { ADMIN_TOKEN, AUTH_SECRET, serveBundle } from '../serve-bundle.mjs'

export async function startService() {
  const gateway = await startSmsGateway(0)
  const address = gateway.address()
  const gatewayUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  let server
  try {
    // PHONE_HASH_KEY is a secret in production (keys the phones' hashes); serveBundle sets only AUTH_SECRET and ADMIN_TOKEN.
    server = await serveBundle({
      vars: { SMS_WEBHOOK_URL: `${gatewayUrl}/sms`, PHONE_HASH_KEY: 'bench-phone-hash-key-0123456789abcdef0123456789' },
    })
  } catch (err) {
    gateway.close()
    throw err
  }
  return {
    base: server.url,
    gatewayUrl,
    client: benchClient(server.url, { ADMIN_TOKEN, AUTH_SECRET }),
    async dispose() {
      await server.dispose()
      gateway.close()
    },
  }
}

/** @typedef {Awaited<ReturnType<typeof startService>>} Service */

/**
 * Verifies an account with this phone, the code read from the gateway as the phone would show it.
 * @param {Service} service @param {string} token @param {string} phone
 * @returns {Promise<string>} 'VERIFIED', or the refusal's code
 */
async function verifyPhone({ base, gatewayUrl }, token, phone) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const asked = await request(`${base}/api/users/me/verification`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ phone }),
  })
  if (asked.status !== 201) return asked.body?.error?.code ?? String(asked.status)
  const sms = await request(`${gatewayUrl}/messages?to=${encodeURIComponent(phone)}`, {})
  const code = sms.body.messages.at(-1).code
  const confirmed = await request(`${base}/api/users/me/verification/confirm`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ verificationId: asked.body.verificationId, code }),
  })
  return confirmed.status === 200 ? 'VERIFIED' : (confirmed.body?.error?.code ?? String(confirmed.status))
}

/**
 * Every account, made and verified once before the sales (not timed as anyone's wait): each fan
 * a real account verified with a phone of its own; the bot's first N accounts real and verified
 * with its N phones, one more tried on a phone already used (one phone one account:
 * IDENTITY_IN_USE), the rest signed here (making accounts is not what is measured, and
 * 127.0.0.1 is not limited).
 * @param {Service} service @param {{ fans: number, accounts: number, phones: number }} scale
 */
export async function makeAccounts(service, { fans: fanCount, accounts, phones }) {
  const s0 = performance.now()
  const newUser = async () => (await service.client.json('POST', '/api/users', {})).accessToken
  /** @type {string[]} */
  const fans = new Array(fanCount)
  /** @type {number[]} */
  const verifyMs = new Array(fanCount)
  await pool(fanCount, 32, async (i) => {
    fans[i] = await newUser()
    const t0 = performance.now()
    const outcome = await verifyPhone(service, fans[i], `+8210${String(i).padStart(8, '0')}`)
    verifyMs[i] = performance.now() - t0
    if (outcome !== 'VERIFIED') throw new Error(`fan ${i}: ${outcome}`)
  })
  const botPhones = Array.from({ length: phones }, (_, j) => `+8219${String(j).padStart(8, '0')}`)
  const verified = Math.min(phones, accounts)
  const botTokens = []
  for (let j = 0; j < verified; j++) {
    const token = await newUser()
    const outcome = await verifyPhone(service, token, botPhones[j])
    if (outcome !== 'VERIFIED') throw new Error(`bot phone ${j}: ${outcome}`)
    botTokens.push(token)
  }
  const secondAccountOnAPhone = await verifyPhone(service, await newUser(), botPhones[0])
  // Good for the whole run, however long the openings are planned.
  botTokens.push(...(await service.client.accessTokens(accounts - botTokens.length, 6 * 3600)))
  console.error(
    `accounts made and ${fanCount + botPhones.length} verified in ${((performance.now() - s0) / 1000).toFixed(0)} s; ` +
      `a second account on one of the bot's phones: ${secondAccountOnAPhone}`,
  )
  return { fans, verifyMs, botTokens, verified, secondAccountOnAPhone }
}
