// @ts-check
// Builds the browser page into public/, which the Worker serves as static assets:
// web/app.ts bundled by esbuild, the HTML and CSS copied, Swagger UI's files for /docs.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { build } from 'esbuild'

rmSync('public', { recursive: true, force: true })
mkdirSync('public/swagger-ui', { recursive: true })
await build({
  entryPoints: ['web/app.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: 'public/app.js',
  logLevel: 'warning',
})
for (const file of ['index.html', 'docs.html', 'styles.css']) copyFileSync(`web/${file}`, `public/${file}`)
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
  copyFileSync(`node_modules/swagger-ui-dist/${file}`, `public/swagger-ui/${file}`)
}
