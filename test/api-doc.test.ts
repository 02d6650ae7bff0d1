import { describe, expect, it } from 'vitest'
import apiDoc from '../docs/api.md?raw'
import { call } from './helpers'

// docs/api.md lists the routes for people; /openapi.json is generated from the code. This keeps
// the two the same list, each route with a success status the document gives it.

describe('docs/api.md', () => {
  it('lists exactly the routes of the OpenAPI document, each with one of its success statuses', async () => {
    const { body } = await call('GET', '/openapi.json')
    type Operation = { responses: Record<string, unknown> }
    const served = new Map<string, string[]>(
      Object.entries(body.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
        Object.entries(ops).map(
          ([method, op]) =>
            [`${method.toUpperCase()} ${path}`, Object.keys(op.responses).filter((s) => Number(s) < 300)] as const,
        ),
      ),
    )
    const documented = [...apiDoc.matchAll(/^\| (GET|POST|PUT|DELETE) \| `([^`]+)` \| [^|]+ \| (\d{3})/gm)].map(
      ([, method, path, status]) => ({ route: `${method} ${path}`, status: status! }),
    )
    expect(documented.map((d) => d.route).sort()).toEqual([...served.keys()].sort())
    for (const { route, status } of documented) expect(served.get(route), route).toContain(status)
  })
})
