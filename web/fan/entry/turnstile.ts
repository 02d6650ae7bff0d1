// Cloudflare's Turnstile at the queue entry, while the service asks for it (GET /api/turnstile):
// only then is Cloudflare's script loaded, and its widget rendered explicitly into the human
// check's card (HumanCheck.tsx), once, so that it keeps its state while the page changes around
// it. Siteverify accepts a token once, so an entry takes the token at hand and resets the widget
// at once: whatever the answer, the next try has a fresh one coming. Off: nothing is loaded.
import { api, ApiError } from '../../common/api'
import { state, store, t } from '../state'

/** Explicit rendering: the widget goes where and when the page says, not into any `.cf-turnstile`. */
const SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit'

interface RenderParameters {
  sitekey: string
  callback: (token: string) => void
  'expired-callback': () => void
  'error-callback': (code: string) => boolean
}
/** The part of `window.turnstile` the page uses (Cloudflare's client-side rendering reference). */
interface TurnstileApi {
  render(container: HTMLElement, parameters: RenderParameters): string | undefined
  reset(widgetId: string): void
}
declare global {
  interface Window {
    turnstile?: TurnstileApi
  }
}

/** Where the widget goes: the card's element, handed over by its ref when first drawn. */
let box: HTMLElement | null = null
let widgetId: string | undefined
/** The widget's token not yet sent with an entry. */
let token: string | null = null
/** Entries waiting for the widget's next token. */
const waiting: Array<{ resolve: (token: string) => void }> = []
let started: Promise<void> | null = null

export function holdWidgetBox(element: HTMLElement | null) {
  if (element) box = element
}

/** Asks the service whether entries need a token and, if so, shows the widget; once per page. */
export function startTurnstile(): Promise<void> {
  started ??= start().catch((err: unknown) => {
    started = null // asked again at the next entry
    throw err
  })
  return started
}

async function start() {
  const settings = await api<{ required: boolean; siteKey: string | null }>('GET', '/api/turnstile')
  if (!settings.required) {
    state.turnstile = 'off'
    return
  }
  state.turnstile = 'pending'
  store.changed()
  try {
    if (!settings.siteKey || !box) throw new Error('no site key or no place for the widget')
    await loadScript()
    widgetId = window.turnstile!.render(box, {
      sitekey: settings.siteKey,
      callback: (given) => {
        const entry = waiting.shift()
        if (!entry) {
          token = given
          return setStanding('ready')
        }
        entry.resolve(given)
        renew()
        setStanding('pending')
      },
      // Past its 300 s the token is void; the widget gets another by itself (refresh-expired: auto).
      'expired-callback': () => {
        token = null
        setStanding('pending')
      },
      // The widget retries by itself (retry: auto); true: handled here, so it does not throw.
      'error-callback': () => {
        token = null
        setStanding('retrying')
        return true
      },
    })
  } catch {
    // No entry waits yet: they wait only once this is done.
    setStanding('unavailable')
  }
}

/**
 * The token for one entry, undefined while Turnstile is off: the one at hand, or else the next
 * the widget gives (a managed challenge may need the fan's click), with the fan told so.
 */
export async function entryToken(): Promise<string | undefined> {
  await startTurnstile()
  if (state.turnstile === 'off') return undefined
  if (state.turnstile === 'unavailable') throw unavailable()
  if (token !== null) {
    const given = token
    token = null
    renew()
    setStanding('pending')
    return given
  }
  state.message = { kind: 'info', text: t('turnstile.finish') }
  store.changed()
  const given = await new Promise<string>((resolve) => waiting.push({ resolve }))
  if (state.message?.text === t('turnstile.finish')) state.message = null
  return given
}

/** A token was taken: the widget starts on the next one. */
function renew() {
  if (widgetId !== undefined) window.turnstile?.reset(widgetId)
}

function setStanding(to: NonNullable<typeof state.turnstile>) {
  state.turnstile = to
  store.changed()
}

/** Refused by the page itself, before any request: status 0. */
const unavailable = () => new ApiError(0, 'TURNSTILE_UNAVAILABLE', 'The human check could not be loaded')

function loadScript(): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = SCRIPT
    script.async = true
    script.onload = () => (window.turnstile ? resolve() : reject(new Error('no window.turnstile')))
    script.onerror = () => reject(new Error(`${SCRIPT} did not load`))
    document.head.append(script)
  })
}
