// The gate page (/gate): set up once per device (concert, date, scanner token, kept in local
// storage), then codes read by the camera or typed, each answered with a big green or red
// verdict and a beep; online or not, with the check-ins waiting to be sent counted.
import { useEffect, useRef } from 'hono/jsx/dom'
import { useStore } from '../common/store'
import { Header, MessageLine } from '../common/ui'
import { CameraScanner } from './camera'
import { check, syncAnswerText } from './checking'
import { forget, saveSetup } from './setup'
import { unlockSound } from './sound'
import { state, store, switchLang, t } from './state'
import { VerdictPanel } from './VerdictPanel'

export function Gate() {
  useStore(store)
  document.documentElement.lang = state.lang
  return (
    <>
      <Header title={t('gate.title')} subtitle={t('gate.subtitle')} lang={state.lang} onLang={switchLang}>
        {state.setup && (
          <button type="button" id="forget" class="link" onClick={forget}>
            {t('gate.forget')}
          </button>
        )}
      </Header>
      <main>
        <MessageLine message={state.message} />
        {state.setup ? <Scanning /> : <SetupForm />}
      </main>
    </>
  )
}

function SetupForm() {
  const query = new URLSearchParams(location.search)
  const onSubmit = (event: Event) => {
    event.preventDefault()
    unlockSound()
    const form = new FormData(event.target as HTMLFormElement)
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value.trim() : ''
    }
    saveSetup({ concertId: field('concertId'), date: field('date') || null, token: field('token') })
  }
  return (
    <form id="gate-setup" class="card" onSubmit={onSubmit}>
      <h2>{t('gate.setup')}</h2>
      <label>
        <span>{t('gate.concertId')}</span>
        <input id="gate-concert" name="concertId" required autocomplete="off" value={query.get('concert') ?? ''} />
      </label>
      <label>
        <span>{t('gate.date')}</span>
        <input id="gate-date" name="date" type="date" value={query.get('date') ?? ''} />
      </label>
      <label>
        <span>{t('gate.token')}</span>
        <input id="gate-token" name="token" type="password" required autocomplete="off" />
      </label>
      <button type="submit" id="gate-start" class="primary">
        {t('gate.start')}
      </button>
      <p class="muted">{t('gate.tokenNote')}</p>
    </form>
  )
}

function Scanning() {
  const setup = state.setup!
  const onSubmit = (event: Event) => {
    event.preventDefault()
    unlockSound()
    const input = (event.target as HTMLFormElement).elements.namedItem('code') as HTMLInputElement
    const code = input.value
    input.value = ''
    void check(code)
  }
  return (
    <>
      <VerdictPanel />
      <section class="card gate-status">
        <p>
          <span id="gate-online" class={state.online ? 'online' : 'offline'}>
            {state.online ? t('gate.online') : t('gate.offline')}
          </span>{' '}
          ·{' '}
          <strong id="gate-queued" data-queued={String(state.queued)}>
            {t('gate.queued', { n: state.queued })}
          </strong>{' '}
          · <span id="gate-keys">{t('gate.keys', { n: state.keys })}</span>
        </p>
        <p class="muted" id="gate-concert-line">
          {t('gate.concertLine', { concert: setup.concertId })}
          {setup.date ? ` · ${setup.date}` : ''}
        </p>
      </section>
      <Camera />
      <form id="code-form" class="card code-form" onSubmit={onSubmit}>
        <label>
          <span>{t('gate.code')}</span>
          <input id="gate-code" name="code" autocomplete="off" spellcheck={false} required />
        </label>
        <button type="submit" id="gate-check" class="primary" disabled={state.checking}>
          {t('gate.check')}
        </button>
      </form>
      <SyncResults />
    </>
  )
}

function Camera() {
  const video = useRef<HTMLVideoElement>(null)
  const scanner = useRef<CameraScanner | null>(null)
  useEffect(() => () => scanner.current?.stop(), [])
  if (state.camera === 'unsupported')
    return (
      <p class="card muted" id="no-camera">
        {t('gate.noCamera')}
      </p>
    )
  const toggle = async () => {
    unlockSound()
    if (scanner.current) {
      scanner.current.stop()
      scanner.current = null
      state.camera = 'off'
    } else {
      scanner.current = new CameraScanner(video.current!, (code) => void check(code))
      try {
        await scanner.current.start()
        state.camera = 'on'
      } catch (err) {
        scanner.current.stop()
        scanner.current = null
        state.message = { kind: 'error', text: t('gate.cameraFailed', { detail: String(err) }) }
      }
    }
    store.changed()
  }
  return (
    <section class="card camera">
      <video ref={video} class={state.camera === 'on' ? 'camera-view' : 'camera-view off'} muted playsinline />
      <button type="button" id="camera-toggle" onClick={() => void toggle()}>
        {state.camera === 'on' ? t('gate.cameraStop') : t('gate.camera')}
      </button>
    </section>
  )
}

function SyncResults() {
  if (state.syncResults.length === 0) return null
  return (
    <section class="card" id="sync-results">
      <h3>{t('gate.syncTitle')}</h3>
      <ul>
        {state.syncResults.map(({ checkIn, answer }) => (
          <li
            key={`${checkIn.code}`}
            data-sync={answer.kind}
            data-reason={answer.kind === 'refused' ? answer.code : ''}
          >
            {answer.kind === 'checked-in'
              ? t('gate.syncOk', { seat: checkIn.seatNumber })
              : t('gate.syncRefused', { seat: checkIn.seatNumber, reason: syncAnswerText(answer) })}
          </li>
        ))}
      </ul>
    </section>
  )
}
