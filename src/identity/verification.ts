import { ApiError } from '../errors'
import { startVerification, withdrawVerification } from '../ledger/identity'
import { sendCode } from './sms-gateway'

/**
 * A verification of `phone` for this user: written (and counted against the phone) first, then
 * its code sent. A code the gateway did not take is withdrawn, so that no usable verification
 * is left behind, and the fan is told to retry (503 TRY_AGAIN).
 */
export async function requestVerification(env: Env, userId: string, phone: string) {
  const { verificationId, expiresAt, code } = await startVerification(env.DB, env.PHONE_HASH_KEY, userId, phone)
  if (!(await sendCode(env, { to: phone, code, verificationId }))) {
    await withdrawVerification(env.DB, verificationId)
    throw new ApiError('TRY_AGAIN', 'The code could not be sent to this phone; please retry', { 'Retry-After': '5' })
  }
  return { verificationId, expiresAt }
}
