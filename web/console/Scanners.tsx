// The picked concert's gate scanners: one created with a name (and a date, for a scanner of
// one date), its token shown this once to copy into the gate device with a link to the gate
// page (the concert and date in its address, never the token); the list with their check-ins.
import { createScanner, dismissScanner, state, t, when } from './state'

export function Scanners() {
  const { scanners, concertId } = state.live!
  const dates = state.live!.stats.checkIns.map((d) => d.date)
  const created = state.newScanner?.concertId === concertId ? state.newScanner : null
  const onSubmit = (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.target as HTMLFormElement)
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value.trim() : ''
    }
    void createScanner(field('name'), field('date') || null)
  }
  const gateLink = (date: string | null) =>
    `/gate?concert=${encodeURIComponent(concertId)}${date ? `&date=${encodeURIComponent(date)}` : ''}`
  return (
    <>
      <h3>{t('admin.scanners')}</h3>
      <form id="scanner-form" class="policy" onSubmit={onSubmit}>
        <label>
          <span>{t('admin.scannerName')}</span> <input name="name" required maxlength={80} />
        </label>
        <label>
          <span>{t('admin.scannerDate')}</span> <input name="date" type="date" list="scanner-dates" />
          <datalist id="scanner-dates">
            {dates.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </label>
        <button type="submit" id="create-scanner">
          {t('admin.createScanner')}
        </button>
      </form>
      {created && (
        <div id="new-scanner" class="new-scanner">
          <p>{t('admin.scannerToken')}</p>
          <code id="scanner-token">{created.token}</code>
          <p>
            <a id="gate-link" href={gateLink(created.date)} target="_blank" rel="noopener">
              {t('admin.openGate')}
            </a>{' '}
            <button type="button" class="link" onClick={dismissScanner}>
              ✕
            </button>
          </p>
        </div>
      )}
      <ul id="scanner-rows" class="scanner-rows">
        {scanners.length === 0 && <li class="muted">{t('admin.noScanners')}</li>}
        {scanners.map((s) => (
          <li key={s.scannerId} data-scanner={s.scannerId}>
            <strong>{s.name}</strong> <span class="muted">{s.date ?? t('admin.allDates')}</span>{' '}
            <span>
              {t('admin.scannerLine', {
                checkIns: s.checkIns.toLocaleString(),
                last: s.lastCheckInAt ? when(s.lastCheckInAt) : t('admin.never'),
              })}
            </span>
          </li>
        ))}
      </ul>
    </>
  )
}
