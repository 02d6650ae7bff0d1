import { describe, expect, it } from 'vitest'
import apiDoc from '../../docs/api.md?raw'
import { call } from '../helpers'

// docs/api.md lists the routes for people; /openapi.json is generated from the code. This keeps
// the two the same list, each route with a success status the document gives it and the
// credentials it names. `npm run lint:openapi` holds the document to Redocly's rules besides.

type Security = Record<string, string[]>[]
type Operation = { operationId?: string; security?: Security; responses: Record<string, unknown> }
type Document = {
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, unknown> }
}

const documented = [...apiDoc.matchAll(/^\| (GET|POST|PUT|DELETE) \| `([^`]+)` \| ([^|]+) \| (\d{3})/gm)].map(
  ([, method, path, credentials, status]) => ({
    route: `${method} ${path}`,
    credentials: credentials!.trim(),
    status: status!,
  }),
)

async function servedOperations() {
  const { body } = await call<Document>('GET', '/openapi.json')
  const operations = new Map<string, Operation>(
    Object.entries(body.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    ),
  )
  return { document: body, operations }
}

describe('docs/api.md', () => {
  it('lists exactly the routes of the OpenAPI document, each with one of its success statuses', async () => {
    const { operations } = await servedOperations()
    expect(documented.map((d) => d.route).sort()).toEqual([...operations.keys()].sort())
    for (const { route, status } of documented) {
      expect(
        Object.keys(operations.get(route)!.responses).filter((s) => Number(s) < 300),
        route,
      ).toContain(status)
    }
  })
})

describe('/openapi.json', () => {
  it('names every operation: a unique camelCase operationId, a method name for a generated client', async () => {
    const { operations } = await servedOperations()
    const ids = [...operations].map(([route, op]) => {
      expect(op.operationId, route).toMatch(/^[a-z][a-zA-Z0-9]*$/)
      return op.operationId
    })
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('states the credentials of every operation: `security: []` on exactly the public routes, known schemes elsewhere', async () => {
    const { document, operations } = await servedOperations()
    const schemes = Object.keys(document.components.securitySchemes)
    for (const { route, credentials } of documented) {
      const security = operations.get(route)!.security
      if (credentials === 'none') {
        expect(security, route).toEqual([])
        continue
      }
      expect(security?.length, route).toBeGreaterThan(0)
      for (const requirement of security!) {
        expect(Object.keys(requirement).length, route).toBeGreaterThan(0)
        for (const scheme of Object.keys(requirement)) expect(schemes, route).toContain(scheme)
      }
      if (credentials.startsWith('admin')) expect(security, route).toEqual([{ adminToken: [] }])
    }
  })

  it('has a server: the host that served it, locally as in production', async () => {
    const { document } = await servedOperations()
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }])
  })
})
