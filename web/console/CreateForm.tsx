// The form creating a concert with its dates, seats (one price, or priced sections), sale and
// queue policy. What it gets wrong, the API names.
import type { Child } from 'hono/jsx'
import { useState } from 'hono/jsx/dom'
import { createConcert, t } from './state'

const POLICY_FIELDS = ['maxActiveUsers', 'admitPerMinute', 'maxWaitingUsers'] as const

/** A datetime-local value (the operator's local time) as ISO UTC, or undefined when empty. */
const isoFromLocal = (value: FormDataEntryValue | null) =>
  typeof value === 'string' && value ? new Date(value).toISOString() : undefined

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

/** The request's body from the form, as POST /api/admin/concerts takes it. */
function bodyFrom(form: FormData) {
  const opensAt = isoFromLocal(form.get('opensAt'))
  const preQueueOpensAt = isoFromLocal(form.get('preQueueOpensAt'))
  const sectionsField = form.get('sections')
  const sections = sectionsFrom(typeof sectionsField === 'string' ? sectionsField : '')
  const entries: Array<[string, number | boolean]> = [
    ...POLICY_FIELDS.flatMap((f): Array<[string, number]> => (form.get(f) ? [[f, Number(form.get(f))]] : [])),
  ]
  // The entry's defences (API.md): left out when off, as the policy's defaults are.
  if (form.get('requireVerifiedIdentity')) entries.push(['requireVerifiedIdentity', true])
  if (form.get('entryProofCost')) entries.push(['entryProofCost', Number(form.get('entryProofCost'))])
  const policy = Object.fromEntries(entries)
  return {
    title: form.get('title'),
    ...(form.get('venue') ? { venue: form.get('venue') } : {}),
    dates: form.getAll('date').map((date) => (sections ? { date } : { date, price: Number(form.get('price')) })),
    ...(sections ? { sections } : { seatsPerDate: Number(form.get('seatsPerDate')) }),
    ...(opensAt ? { sale: { opensAt, ...(preQueueOpensAt ? { preQueueOpensAt } : {}) } } : {}),
    ...(Object.keys(policy).length > 0 ? { queuePolicy: policy } : {}),
  }
}

export function CreateForm() {
  const [dates, setDates] = useState(1)
  const onSubmit = (event: Event) => {
    event.preventDefault()
    void createConcert(bodyFrom(new FormData(event.target as HTMLFormElement)))
  }
  const field = (key: Parameters<typeof t>[0], input: Child) => (
    <label>
      <span>{t(key)}</span> {input}
    </label>
  )
  return (
    <form id="create" class="card" onSubmit={onSubmit}>
      <h2>{t('admin.create')}</h2>
      {field('admin.concertTitle', <input name="title" required />)}
      {field('admin.venue', <input name="venue" />)}
      <div id="date-inputs">
        {Array.from({ length: dates }, (_, i) => (
          <label key={i}>
            <span>{t('admin.date')}</span> <input name="date" type="date" required />
          </label>
        ))}
      </div>
      <button type="button" id="add-date" onClick={() => setDates((n) => n + 1)}>
        {t('admin.addDate')}
      </button>
      {field('admin.price', <input name="price" type="number" min="1" value="99000" required />)}
      {field('admin.seatsPerDate', <input name="seatsPerDate" type="number" min="1" value="50" />)}
      {field(
        'admin.sections',
        <textarea name="sections" rows={3} placeholder={'VIP, 150000, 100\nR, 120000, 400'}></textarea>,
      )}
      {field('admin.opensAt', <input name="opensAt" type="datetime-local" step="1" />)}
      {field('admin.preQueueOpensAt', <input name="preQueueOpensAt" type="datetime-local" step="1" />)}
      {POLICY_FIELDS.map((f) => field(`admin.${f}`, <input name={f} type="number" min="1" />))}
      {field('admin.requireVerifiedIdentity', <input name="requireVerifiedIdentity" type="checkbox" value="1" />)}
      {field('admin.entryProofCost', <input name="entryProofCost" type="number" min="1000" max="50000000" step="1" />)}
      <button type="submit" class="primary">
        {t('admin.createButton')}
      </button>
    </form>
  )
}
