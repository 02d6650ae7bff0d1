// The operators' console (/admin): sign in with the admin token (kept in sessionStorage, for
// this tab only), the concerts and their sale, one concert live (figures every 3 s, charts of
// the last hour with policy changes and the opening marked), its policy steered, and a form to
// create a concert with its sale. Nothing is fetched before sign-in. No framework: state + render().
import { ConsoleCharts, type Marker } from './admin-charts'
import { api, ApiError, type Concert, type QueueHistory, type QueueStats, type SaleState } from './api'
import { $, esc } from './dom'
import { errorKey, translate, type Lang, type TextKey } from './i18n'

interface State {
  lang: Lang
  token: string | null
  concerts: Array<Concert & { sale: SaleState }>
  selected: string | null
  stats: QueueStats | null
  history: QueueHistory | null
  message: { kind: 'error' | 'info'; text: string } | null
}

const state: State = {
  lang: (localStorage.getItem('lang') as Lang) ?? (navigator.language.startsWith('ko') ? 'ko' : 'en'),
  token: sessionStorage.getItem('adminToken'),
  concerts: [],
  selected: null,
  stats: null,
  history: null,
  message: null,
}

const t = (key: TextKey, vars?: Record<string, string | number>) => translate(state.lang, key, vars)
const when = (iso: string) =>
  new Date(iso).toLocaleString(state.lang === 'ko' ? 'ko-KR' : 'en-US', { dateStyle: 'short', timeStyle: 'medium' })
const admin = () => ({ accessToken: state.token ?? undefined })
const charts = new ConsoleCharts($('queue-chart'), $('sales-chart'))

async function attempt(action: () => Promise<void>) {
  try {
    await action()
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut(t('admin.badToken'))
    state.message = {
      kind: 'error',
      text: err instanceof ApiError ? t(errorKey(err.code), { detail: err.message }) : t('err.NETWORK'),
    }
  }
  render()
}

// --- sign-in: the token is checked against an admin route before anything is shown ---

async function signIn(token: string) {
  try {
    await api('GET', `/api/admin/concerts/${crypto.randomUUID()}/queue`, undefined, { accessToken: token })
  } catch (err) {
    // An unknown concert with a valid token: 404. Anything else means the token is not one.
    if (!(err instanceof ApiError && err.code === 'CONCERT_NOT_FOUND')) return signOut(t('admin.badToken'))
  }
  state.token = token
  sessionStorage.setItem('adminToken', token)
  state.message = null
  await attempt(loadConcerts)
}

function signOut(reason?: string) {
  state.token = null
  sessionStorage.removeItem('adminToken')
  Object.assign(state, { concerts: [], selected: null, stats: null, history: null })
  state.message = reason ? { kind: 'error', text: reason } : null
  render()
}

// --- data ---

async function loadConcerts() {
  const { concerts } = await api<{ concerts: Concert[] }>('GET', '/api/concerts', undefined, { fresh: true })
  state.concerts = await Promise.all(
    concerts.map(async (c) => ({
      ...c,
      sale: await api<SaleState>('GET', `/api/concerts/${c.concertId}/sale`, undefined, { fresh: true }),
    })),
  )
  state.selected ??= state.concerts.at(-1)?.concertId ?? null
  await loadLive()
}

async function loadLive() {
  if (!state.selected || !state.token) return
  const id = state.selected
  const [stats, history, sale] = await Promise.all([
    api<QueueStats>('GET', `/api/admin/concerts/${id}/queue`, undefined, admin()),
    api<QueueHistory>('GET', `/api/admin/concerts/${id}/queue/history?minutes=60`, undefined, admin()),
    api<SaleState>('GET', `/api/concerts/${id}/sale`, undefined, { fresh: true }),
  ])
  Object.assign(state, { stats, history })
  const row = state.concerts.find((c) => c.concertId === id)
  if (row) row.sale = sale
}

async function updatePolicy(patch: Record<string, unknown>) {
  state.stats!.policy = await api('PUT', `/api/admin/concerts/${state.selected}/queue-policy`, patch, admin())
  state.message = { kind: 'info', text: t('admin.applied') }
  await loadLive()
}

/** A datetime-local value (the operator's local time) as ISO UTC, or undefined when empty. */
const isoFromLocal = (value: FormDataEntryValue | null) =>
  typeof value === 'string' && value ? new Date(value).toISOString() : undefined
const numberOrUndefined = (value: FormDataEntryValue | null) => (value ? Number(value) : undefined)

/** "name, price, seats" a line: a venue in priced sections; none: one price and seatsPerDate. A wrong number is left for the API to name. */
function sectionsFrom(text: string) {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  if (lines.length === 0) return undefined
  return lines.map((line) => {
    const [name = '', price = '', seats = ''] = line.split(',').map((part) => part.trim())
    return { name, price: Number(price), seats: Number(seats) }
  })
}

async function createConcert(form: FormData) {
  const opensAt = isoFromLocal(form.get('opensAt'))
  const preQueueOpensAt = isoFromLocal(form.get('preQueueOpensAt'))
  const sections = sectionsFrom((form.get('sections') as string | null) ?? '')
  const policy = Object.fromEntries(
    (['maxActiveUsers', 'admitPerMinute', 'maxWaitingUsers'] as const).flatMap((f) =>
      form.get(f) ? [[f, numberOrUndefined(form.get(f))]] : [],
    ),
  )
  const body = {
    title: form.get('title'),
    ...(form.get('venue') ? { venue: form.get('venue') } : {}),
    dates: form.getAll('date').map((date) => (sections ? { date } : { date, price: Number(form.get('price')) })),
    ...(sections ? { sections } : { seatsPerDate: Number(form.get('seatsPerDate')) }),
    ...(opensAt ? { sale: { opensAt, ...(preQueueOpensAt ? { preQueueOpensAt } : {}) } } : {}),
    ...(Object.keys(policy).length > 0 ? { queuePolicy: policy } : {}),
  }
  const created = await api<{ concertId: string }>('POST', '/api/admin/concerts', body, admin())
  state.selected = created.concertId
  state.message = { kind: 'info', text: t('admin.created') }
  await loadConcerts()
}

// --- rendering ---

function render() {
  document.documentElement.lang = state.lang
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as TextKey)
  $('lang').textContent = state.lang === 'ko' ? 'English' : '한국어'
  const message = $('message')
  message.hidden = !state.message
  message.className = `message ${state.message?.kind ?? ''}`
  message.textContent = state.message?.text ?? ''
  const signedIn = state.token !== null
  $('sign-in').hidden = signedIn
  $('console').hidden = !signedIn
  $('sign-out').hidden = !signedIn
  if (!signedIn) return

  $('concert-rows').innerHTML = state.concerts.length
    ? state.concerts
        .map(
          (
            c,
          ) => `<li><button type="button" data-concert="${c.concertId}" class="${c.concertId === state.selected ? 'selected' : ''}">
            <strong>${esc(c.title)}</strong><span class="state ${c.sale.state}">${c.sale.state}</span>
            ${c.sale.opensAt ? `<span class="muted">${t('admin.opens', { time: when(c.sale.opensAt) })}</span>` : ''}</button></li>`,
        )
        .join('')
    : `<li class="muted">${t('admin.noConcerts')}</li>`
  renderLive()
}

function renderLive() {
  const { stats, history } = state
  const concert = state.concerts.find((c) => c.concertId === state.selected)
  $('live').hidden = !stats || !history || !concert
  if (!stats || !history || !concert) return
  const { sale } = concert
  $('live-title').textContent = concert.title
  $('live-sale').textContent = sale.opensAt
    ? t('admin.saleLine', { state: sale.state, opens: when(sale.opensAt), pre: when(sale.preQueueOpensAt!) })
    : `${sale.state} · ${t('admin.noDraw')}`
  const figures: Array<[TextKey, number]> = [
    ['admin.waiting', stats.waiting],
    ['admin.preQueue', stats.preQueue],
    ['admin.active', stats.active],
    ['admin.admittedPerMinute', stats.admittedLastMinute],
    ['admin.abandoned', stats.abandoned],
    ['admin.holds', stats.holds],
    ['admin.sold', stats.sold],
    ['admin.seatsLeft', stats.seatsLeft],
  ]
  $('figures').innerHTML = figures
    .map(([key, n]) => `<div data-figure="${key.slice(6)}"><dt>${t(key)}</dt><dd>${n.toLocaleString()}</dd></div>`)
    .join('')

  const markers: Marker[] = history.policyChanges.map((c) => ({
    at: Date.parse(c.at),
    label: Object.entries(c.change)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' '),
  }))
  if (sale.opensAt) markers.push({ at: Date.parse(sale.opensAt), label: t('admin.opening') })
  charts.show(history, markers, {
    waiting: t('admin.waiting'),
    active: t('admin.active'),
    admitted: t('admin.admittedPerMinute'),
    sold: t('admin.sold'),
    entered: t('admin.entered'),
  })
  $('timeline').innerHTML = markers
    .sort((a, b) => a.at - b.at)
    .map((m) => `<li>${when(new Date(m.at).toISOString())} · ${esc(m.label)}</li>`)
    .join('')

  const form = $<HTMLFormElement>('policy-form')
  for (const field of ['maxActiveUsers', 'admitPerMinute', 'maxWaitingUsers'] as const) {
    const input = form.elements.namedItem(field) as HTMLInputElement
    if (document.activeElement !== input) input.value = stats.policy[field] === null ? '' : String(stats.policy[field])
  }
  $('pause').textContent = stats.policy.paused ? t('admin.resume') : t('admin.pause')
  $('commitment').textContent = sale.seedCommitment ?? '—'
  $('seed').textContent = sale.seed ?? (sale.seedCommitment ? t('admin.seedHidden') : '—')
}

// --- wiring ---

$<HTMLFormElement>('sign-in').addEventListener('submit', (event) => {
  event.preventDefault()
  void signIn(($<HTMLInputElement>('token').value ?? '').trim())
})

$<HTMLFormElement>('create').addEventListener('submit', (event) => {
  event.preventDefault()
  void attempt(() => createConcert(new FormData(event.target as HTMLFormElement)))
})

$<HTMLFormElement>('policy-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const form = new FormData(event.target as HTMLFormElement)
  const policy = state.stats?.policy
  // Only what the operator changed, so that the timeline shows the change and nothing else.
  const patch: Record<string, number | null> = {}
  for (const field of ['maxActiveUsers', 'admitPerMinute', 'maxWaitingUsers'] as const) {
    const value = form.get(field) ? Number(form.get(field)) : null
    if (policy && value !== policy[field] && !(field === 'maxActiveUsers' && value === null)) patch[field] = value
  }
  if (Object.keys(patch).length > 0) void attempt(() => updatePolicy(patch))
})

document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('button')
  if (!target) return
  if (target.id === 'lang') {
    state.lang = state.lang === 'ko' ? 'en' : 'ko'
    localStorage.setItem('lang', state.lang)
    render()
  } else if (target.id === 'sign-out') {
    signOut()
  } else if (target.id === 'add-date') {
    const label = document.querySelector('#date-inputs label')!.cloneNode(true) as HTMLElement
    label.querySelector('input')!.value = ''
    $('date-inputs').append(label)
  } else if (target.id === 'pause') {
    void attempt(() => updatePolicy({ paused: !state.stats?.policy.paused }))
  } else if (target.dataset.concert) {
    state.selected = target.dataset.concert
    state.message = null
    void attempt(loadLive)
  }
})

setInterval(() => {
  if (state.token) void attempt(loadLive)
}, 3_000)
setInterval(() => {
  if (state.token) void attempt(loadConcerts)
}, 15_000)

render()
if (state.token) void signIn(state.token)
