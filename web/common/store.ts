// A page's state as one object its actions change, and the hooks that redraw components from
// it: actions call changed(); the root component re-renders, and hono/jsx/dom patches the DOM
// in place (keyed lists keep their elements, so a focused seat stays focused).
import { useEffect, useState } from 'hono/jsx/dom'
import type { Lang } from './i18n'

export interface Store<T extends object> {
  state: T
  /** Tell the components that the state changed. */
  changed: () => void
  subscribe(listener: () => void): () => void
}

export function createStore<T extends object>(state: T): Store<T> {
  const listeners = new Set<() => void>()
  return {
    state,
    changed: () => listeners.forEach((listener) => listener()),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/** Re-render the calling component whenever the store changes. */
export function useStore<T extends object>(store: Store<T>): T {
  const [, setVersion] = useState(0)
  useEffect(() => store.subscribe(() => setVersion((v) => v + 1)), [store])
  return store.state
}

/** The time now, advancing once a second: for countdowns, which change with no request. */
export function useClock(): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  return now
}

/** The language saved by either page, else the browser's. */
export const initialLang = (): Lang =>
  (localStorage.getItem('lang') as Lang | null) ?? (navigator.language.startsWith('ko') ? 'ko' : 'en')
