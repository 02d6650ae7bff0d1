// @ts-check
// Builds the browser page into public/, which the Worker serves as static assets:
// web/app.ts (the fans' page) and web/admin.ts (the operators' console, /admin) bundled by
// esbuild, the HTML and CSS copied (uPlot's too), Swagger UI's files for /docs.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs'
import { build } from 'esbuild'

rmSync('public', { recursive: true, force: true })
mkdirSync('public/swagger-ui', { recursive: true })
await build({
  entryPoints: ['web/app.ts', 'web/admin.ts'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir: 'public',
  logLevel: 'warning',
})
for (const file of ['index.html', 'docs.html', 'admin.html', 'styles.css', 'admin.css'])
  copyFileSync(`web/${file}`, `public/${file}`)
copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'public/uPlot.min.css')
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
  copyFileSync(`node_modules/swagger-ui-dist/${file}`, `public/swagger-ui/${file}`)
}
