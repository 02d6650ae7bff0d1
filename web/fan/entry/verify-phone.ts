// Verifying the fan's phone: a code sent to it, then confirmed (the verified-identity routes).
import { api } from '../../common/api'
import { attempt, clock, me, state, t } from '../state'

export async function refreshIdentity() {
  const user = await api<{ userId: string; verified: boolean }>('GET', '/api/users/me', undefined, me())
  state.verified = user.verified
  // The id a friend gives a ticket to (web/fan/tickets/), as the server knows it.
  state.userId = user.userId
}

/** Spaces, dashes and brackets typed between the digits are dropped; the rest is the server's to judge. */
export const sendCode = (phone: string) =>
  void attempt(async () => {
    state.phoneCode = await api('POST', '/api/users/me/verification', { phone: phone.replace(/[\s()-]/g, '') }, me())
    state.message = { kind: 'info', text: t('codeSent', { time: clock(state.phoneCode!.expiresAt) }) }
  })

export const confirmCode = (code: string) =>
  void attempt(async () => {
    if (!state.phoneCode) return
    const path = '/api/users/me/verification/confirm'
    await api('POST', path, { verificationId: state.phoneCode.verificationId, code: code.trim() }, me())
    state.phoneCode = null
    state.verified = true
    state.message = { kind: 'info', text: t('phoneVerified') }
  })
