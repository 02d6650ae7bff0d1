// "Verify your phone": shown while no phone verifies the account. A phone number, then the
// 6-digit code sent to it; some sales admit verified accounts only (403 VERIFICATION_REQUIRED).
import { confirmCode, sendCode } from './verify-phone'
import { state, t } from '../state'

const field = (event: Event, name: string) => {
  const value = new FormData(event.target as HTMLFormElement).get(name)
  return typeof value === 'string' ? value : ''
}

export function VerifyPhone() {
  const onPhone = (event: Event) => {
    event.preventDefault()
    sendCode(field(event, 'phone'))
  }
  const onCode = (event: Event) => {
    event.preventDefault()
    confirmCode(field(event, 'code'))
  }
  return (
    <section id="verify-phone" class="card">
      <h3>{t('verifyTitle')}</h3>
      <p class="muted">{t('verifyNote')}</p>
      <form id="phone-form" onSubmit={onPhone}>
        <label>
          <span>{t('phone')}</span>
          <input id="phone" name="phone" type="tel" autocomplete="tel" placeholder="+821012345678" required />
        </label>
        <button type="submit" id="send-code">
          {t('sendCode')}
        </button>
      </form>
      {state.phoneCode && (
        <form id="code-form" onSubmit={onCode}>
          <label>
            <span>{t('code')}</span>
            <input
              id="code"
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxlength={6}
              required
            />
          </label>
          <button type="submit" id="confirm-code" class="primary">
            {t('confirmCode')}
          </button>
        </form>
      )}
    </section>
  )
}
