// /docs: Swagger UI over /openapi.json. In a file, not inline in docs.html: the pages'
// Content-Security-Policy allows scripts from this origin only (public/_headers, from scripts/build-web.mjs).
declare const SwaggerUIBundle: (options: Record<string, unknown>) => unknown

Object.assign(window, {
  ui: SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, tryItOutEnabled: true }),
})
