// An estimated wait as a person would say it ("3 min", "about 9 days"), not a clock reading:
// with 20,000 ahead the estimate is days, and "12940:59" says nothing. Pure, unit-tested
// (test/line/wait-time.test.ts). Countdowns to a known moment (a hold, an opening) stay m:ss: duration().
import { translate, type Lang } from './i18n'

const MINUTE = 60
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export function waitText(seconds: number, lang: Lang): string {
  const s = Number.isFinite(seconds) ? Math.max(0, seconds) : 0
  if (s < MINUTE) return translate(lang, 'wait.underMinute')
  const minutes = Math.ceil(s / MINUTE)
  if (minutes < 60) return translate(lang, 'wait.minutes', { n: minutes })
  // Under 3 hours the minutes still matter, to the nearest 10.
  const tens = Math.round(s / (10 * MINUTE)) * 10
  if (tens < 3 * 60 && tens % 60 !== 0)
    return translate(lang, 'wait.hoursMinutes', { h: Math.floor(tens / 60), m: tens % 60 })
  const hours = Math.round(s / HOUR)
  if (hours < 24) return hours === 1 ? translate(lang, 'wait.hour') : translate(lang, 'wait.hours', { n: hours })
  const days = Math.round(s / DAY)
  return days === 1 ? translate(lang, 'wait.day') : translate(lang, 'wait.days', { n: days })
}

/** m:ss, for countdowns to a known moment (a hold's end, a sale's opening). */
export const duration = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
