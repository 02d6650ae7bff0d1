// The SMS gateway the verification codes go through: an HTTP webhook (SMS_WEBHOOK_URL) that
// takes {"to", "code", "message"}; without one, the code goes to the log (development).

/** A gateway slower than this is taken as down: the fan is told to retry rather than kept waiting. */
const SEND_TIMEOUT_MS = 5_000

export interface Sms {
  to: string
  code: string
  verificationId: string
}

/** The text for the phone, in Korean and English. */
export const smsText = (code: string) =>
  `[Concert tickets] 인증번호 ${code} (10분 안에 입력하세요). Your code is ${code}; it expires in 10 minutes.`

/** Sends the code; false when the gateway did not take it (refused, unreachable or too slow). */
export async function sendCode(env: Pick<Env, 'SMS_WEBHOOK_URL'>, sms: Sms): Promise<boolean> {
  if (!env.SMS_WEBHOOK_URL) {
    // The phone only by its last digits: the log is not a place to keep numbers in clear.
    console.log(
      JSON.stringify({
        level: 'info',
        msg: 'verification code (no SMS_WEBHOOK_URL: the log is the gateway)',
        verificationId: sms.verificationId,
        to: maskPhone(sms.to),
        code: sms.code,
      }),
    )
    return true
  }
  try {
    const res = await fetch(env.SMS_WEBHOOK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: sms.to, code: sms.code, message: smsText(sms.code) }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    })
    await res.body?.cancel()
    if (res.ok) return true
    logFailure(sms, `the gateway answered ${res.status}`)
  } catch (err) {
    logFailure(sms, String(err))
  }
  return false
}

const maskPhone = (phone: string) =>
  `${phone.slice(0, 3)}${'*'.repeat(Math.max(0, phone.length - 7))}${phone.slice(-4)}`

function logFailure(sms: Sms, error: string) {
  console.warn(
    JSON.stringify({ level: 'warn', msg: 'verification code not sent', verificationId: sms.verificationId, error }),
  )
}
