// @ts-check
// Builds the browser pages into public/, which the Worker serves as static assets:
// web/fan/ (the fans' page, /), web/console/ (the operators' console, /admin) and web/gate/
// (the gate's scanner, /gate), components on hono/jsx/dom bundled by esbuild, web/docs.ts
// (Swagger UI's start, /docs), the HTML and CSS copied (uPlot's too), Swagger UI's files, and
// public/_headers: the pages' security headers.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { build } from 'esbuild'

rmSync('public', { recursive: true, force: true })
mkdirSync('public/swagger-ui', { recursive: true })
await build({
  entryPoints: [
    { in: 'web/fan/main.tsx', out: 'app' },
    { in: 'web/console/main.tsx', out: 'admin' },
    { in: 'web/gate/main.tsx', out: 'gate' },
    { in: 'web/docs.ts', out: 'docs' },
    // A Web Worker of the fans' page (proof of work at the entry), loaded from 'self': the CSP's
    // script-src 'self' allows it (worker-src falls back to script-src).
    { in: 'web/fan/entry/proof-worker.ts', out: 'proof-worker' },
  ],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx/dom',
  minify: true,
  sourcemap: true,
  outdir: 'public',
  logLevel: 'warning',
})
for (const file of ['index.html', 'docs.html', 'admin.html', 'gate.html', 'styles.css', 'admin.css', 'gate.css'])
  copyFileSync(`web/${file}`, `public/${file}`)
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'public/uPlot.min.css')
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
  copyFileSync(`node_modules/swagger-ui-dist/${file}`, `public/swagger-ui/${file}`)
}

// Workers static assets read public/_headers, in production and locally in wrangler's runtime
// (`curl -I` on `npm start` shows them; test/e2e/sale.test.mjs checks). Scripts and styles
// from this origin only: no inline <script> or <style>, no style="" in markup (the pages,
// uPlot and Swagger UI set styles through the DOM, which CSP allows: no violation in Chromium
// on /, /admin with its charts, /gate, and /docs with an operation tried out; the fans' QR codes are
// SVG elements made in the DOM, the gate's camera a MediaStream in srcObject, no URL to allow); images from this
// origin and data: URLs (the favicon, Swagger UI's icons); never in a frame.
// The fans' page alone also lets in Cloudflare's Turnstile, what Cloudflare's CSP reference
// lists: its script and its widget's frame, from challenges.cloudflare.com. Always, not only
// while Turnstile is on: that is a secret set at run time, and this file is written before.
const TURNSTILE_ORIGIN = 'https://challenges.cloudflare.com'
/** @param {{ turnstile: boolean }} page */
const contentSecurityPolicy = ({ turnstile }) =>
  [
    "default-src 'self'",
    turnstile ? `script-src 'self' ${TURNSTILE_ORIGIN}` : "script-src 'self'",
    ...(turnstile ? [`frame-src ${TURNSTILE_ORIGIN}`] : []),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
const PAGES = [
  { path: '/', turnstile: true },
  { path: '/admin', turnstile: false },
  { path: '/docs', turnstile: false },
  { path: '/gate', turnstile: false },
]
writeFileSync(
  'public/_headers',
  [
    '# Built by scripts/build-web.mjs.',
    '/*',
    '  X-Content-Type-Options: nosniff',
    '  Referrer-Policy: no-referrer',
    ...PAGES.flatMap((page) => [page.path, `  Content-Security-Policy: ${contentSecurityPolicy(page)}`]),
    '',
  ].join('\n'),
)
