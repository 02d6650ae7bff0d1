import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sendCode, smsText } from '../../src/identity/sms-gateway'
import { randomCode } from '../../src/ledger/identity'
import { newPhone, setGateway, smsTo } from './identity-helpers'

// Where a verification code goes: the SMS gateway when SMS_WEBHOOK_URL is set, else the log.

describe('sending a code', () => {
  afterEach(() => vi.restoreAllMocks())

  it('without SMS_WEBHOOK_URL the code is a JSON log line, the phone shown by its ends only', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    const phone = '+821012345678'
    expect(await sendCode({ SMS_WEBHOOK_URL: '' }, { to: phone, code: '042137', verificationId: 'v-1' })).toBe(true)
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({ level: 'info', verificationId: 'v-1', code: '042137', to: '+82******5678' }),
    ])
    expect(lines.join('')).not.toContain('1012345678')
  })

  it('with it, {to, code, message} is POSTed there; a gateway that refuses is reported', async () => {
    const phone = newPhone()
    expect(await sendCode(env, { to: phone, code: '123456', verificationId: 'v-2' })).toBe(true)
    expect(await smsTo(phone)).toEqual([
      { to: phone, code: '123456', message: smsText('123456'), at: expect.any(String) },
    ])
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    await setGateway(phone, 'down')
    expect(await sendCode(env, { to: phone, code: '654321', verificationId: 'v-3' })).toBe(false)
    expect(await smsTo(phone)).toHaveLength(1)
  })

  it('codes are 6 digits, spread over all of them', () => {
    const codes = Array.from({ length: 2_000 }, randomCode)
    for (const code of codes) expect(code).toMatch(/^\d{6}$/)
    // Each leading digit about a tenth of the time (uniform: no modulo bias toward low codes).
    for (let d = 0; d <= 9; d++) {
      const share = codes.filter((c) => c.startsWith(String(d))).length / codes.length
      expect(share).toBeGreaterThan(0.05)
      expect(share).toBeLessThan(0.15)
    }
  })
})
