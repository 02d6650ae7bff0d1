// @ts-check
// A stand-in for Cloudflare's Turnstile script (api.js) in the browser tests, which have no
// Internet: Playwright serves it in place of https://challenges.cloudflare.com/turnstile/v0/api.js.
// It gives `window.turnstile` render, reset, getResponse and remove as Cloudflare documents
// them for explicit rendering. Its widget is a frame from challenges.cloudflare.com (so the
// page's frame-src is put to the test too) and, a moment after render or reset, calls back with
// a new token that the stand-in siteverify (turnstile.mjs) accepts once: "pass-<uuid>".
// standInGiven(page) shows a test the site keys it was given and the tokens it gave.

const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com'

const STAND_IN_SCRIPT = `(() => {
  const widgets = new Map()
  const given = (window.turnstileStandIn = { sitekeys: [], tokens: [] })
  const issue = (id) => setTimeout(() => {
    const widget = widgets.get(id)
    if (!widget) return
    widget.token = 'pass-' + crypto.randomUUID()
    given.tokens.push(widget.token)
    widget.parameters.callback(widget.token)
  }, 200)
  window.turnstile = {
    render(container, parameters) {
      const id = 'widget-' + (widgets.size + 1)
      const frame = document.createElement('iframe')
      frame.src = '${TURNSTILE_ORIGIN}/stand-in/widget.html'
      frame.title = 'Turnstile (stand-in)'
      container.append(frame)
      widgets.set(id, { parameters, token: undefined })
      given.sitekeys.push(parameters.sitekey)
      issue(id)
      return id
    },
    reset(id) {
      widgets.get(id).token = undefined
      issue(id)
    },
    getResponse: (id) => widgets.get(id)?.token,
    remove: (id) => widgets.delete(id),
  }
})()`

/**
 * Everything a context's pages ask of challenges.cloudflare.com answered here: the script,
 * and the widget's frame.
 * @param {import('playwright-core').BrowserContext} context
 */
export function standInTurnstile(context) {
  return context.route(
    (url) => url.origin === TURNSTILE_ORIGIN,
    (route) =>
      new URL(route.request().url()).pathname === '/turnstile/v0/api.js'
        ? route.fulfill({ contentType: 'text/javascript', body: STAND_IN_SCRIPT })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><p>Turnstile (stand-in): checked</p>' }),
  )
}

/**
 * What the stand-in was given and gave in a page: the site keys it rendered with, the tokens it issued.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ sitekeys: string[]; tokens: string[] }>}
 */
export const standInGiven = (page) => page.evaluate(() => /** @type {any} */ (window).turnstileStandIn)
