// The operators' console (/admin): the sign-in form until a token is accepted, then the
// concerts (the operator picks one), the picked concert live (Live.tsx), the form to
// create a concert (CreateForm.tsx) and the sale events never delivered (Undelivered.tsx).
import { useStore } from '../common/store'
import { Header, MessageLine } from '../common/ui'
import { CreateForm } from './CreateForm'
import { Live } from './Live'
import { Undelivered } from './Undelivered'
import { pick, signIn, signOut, state, store, switchLang, t, when } from './state'

export function Console() {
  useStore(store)
  document.documentElement.lang = state.lang
  const signedIn = state.token !== null
  return (
    <>
      <Header title={t('admin.title')} subtitle={t('admin.subtitle')} lang={state.lang} onLang={switchLang}>
        {signedIn && (
          <button type="button" id="sign-out" class="link" onClick={() => signOut()}>
            {t('admin.signOut')}
          </button>
        )}
      </Header>
      <main>
        <MessageLine message={state.message} />
        {signedIn ? (
          <div id="console">
            <Concerts />
            {state.live && state.live.concertId === state.selected && <Live />}
            <CreateForm />
            <Undelivered />
          </div>
        ) : (
          <SignIn />
        )}
      </main>
      <footer>
        <a href="/">/</a> · <a href="/docs">API reference</a>
      </footer>
    </>
  )
}

function SignIn() {
  const onSubmit = (event: Event) => {
    event.preventDefault()
    const token = new FormData(event.target as HTMLFormElement).get('token')
    void signIn(typeof token === 'string' ? token.trim() : '')
  }
  return (
    <form id="sign-in" class="card" onSubmit={onSubmit}>
      <h2>{t('admin.signIn')}</h2>
      <label>
        <span>{t('admin.token')}</span>{' '}
        <input id="token" name="token" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" class="primary">
        {t('admin.signInButton')}
      </button>
      <p class="muted">{t('admin.tokenNote')}</p>
    </form>
  )
}

/** Every concert with its sale's state (`GET /api/admin/concerts`): the operator picks the one to watch. */
function Concerts() {
  return (
    <section class="card">
      <h2>{t('admin.concerts')}</h2>
      <ul id="concert-rows" class="rows">
        {state.concerts.length === 0 && <li class="muted">{t('admin.noConcerts')}</li>}
        {state.concerts.map((c) => (
          <li key={c.concertId}>
            <button
              type="button"
              data-concert={c.concertId}
              class={c.concertId === state.selected ? 'selected' : ''}
              aria-pressed={c.concertId === state.selected ? 'true' : 'false'}
              onClick={() => pick(c.concertId)}
            >
              <span>
                <strong>{c.title}</strong> {c.venue && <span class="muted">{c.venue}</span>}
              </span>
              <span>
                <span class={`state ${c.state}`}>{c.state}</span>{' '}
                {c.opensAt && <span class="muted">{t('admin.opens', { time: when(c.opensAt) })}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {state.concerts.length > 0 && !state.selected && <p class="muted">{t('admin.pick')}</p>}
    </section>
  )
}
