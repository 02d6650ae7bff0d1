// `npm run lint:tree`: the tree says what runs where, checked on every import (type-only ones
// too: a cycle of types still knots two modules together). dependency-cruiser reads imports as
// TypeScript writes them, before `import type` is erased.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'No import cycle, of values or of types.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'objects-not-from-the-worker',
      severity: 'error',
      comment:
        "The Durable Objects (concert, gate, relay, mirror) and what they share never import the Worker's side: its HTTP plumbing, routes or concert client.",
      from: { path: '^src/(concert|gate|relay|mirror|shared)/' },
      to: { path: '^src/(concert-client|routes|http)/|^src/index[.]ts$' },
    },
    {
      name: 'shared-not-from-an-object',
      severity: 'error',
      comment: 'What several runtimes share stands alone: it imports no runtime of its own.',
      from: { path: '^src/shared/' },
      to: { path: '^src/(concert|gate|relay|mirror|concert-client|routes|http)/' },
    },
    {
      name: 'routes-through-the-client',
      severity: 'error',
      comment: 'Routes reach a concert through the concert client, never the object directly.',
      from: { path: '^src/routes/' },
      to: { path: '^src/concert/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
