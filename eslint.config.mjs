// @ts-check
// `npm run lint`: ESLint with type information, on every part of the tree by glob (no folder
// below the top is named, so files may move between folders freely). Three TypeScript
// programs give the types: tsconfig.json (src/, test/), web/tsconfig.json (web/) and
// tsconfig.scripts.json (the Node side's .mjs: bench/, scripts/, sim/, test/**/*.mjs).
import path from 'node:path'
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import { importX } from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import ts from 'typescript'

/**
 * import-x/no-cycle skips every `import type` (and `import { type A }`), by design and with no
 * option to do otherwise: a type-only import is erased, so it cannot break module evaluation.
 * A cycle of types still knots two modules together (neither can move or be read alone), so
 * this rule reports the cycles that import-x/no-cycle leaves out: those that need at least one
 * type-only import to close. Cycles of runtime imports stay import-x/no-cycle's, reported once.
 *
 * The graph is the TypeScript program's (the one the type-aware rules use, so it resolves as
 * `tsc` does): every `import`, `export … from`, `import()` and `import('…').T` between the
 * program's own files, each edge marked type-only or not.
 */
const noTypeCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles that import-x/no-cycle skips because they close through `import type`' },
    schema: [],
    messages: { cycle: 'Dependency cycle through type-only imports: {{route}}' },
  },
  /** @param {import('eslint').Rule.RuleContext} context */
  create(context) {
    const program = context.sourceCode.parserServices?.program
    if (!program) return {}
    const graph = moduleGraph(/** @type {ts.Program} */ (program))
    const file = path.resolve(context.physicalFilename).split(path.sep).join('/')
    const edges = graph.edges.get(file)
    if (!edges) return {}
    return {
      Program() {
        /** @type {Set<string>} */
        const seen = new Set()
        for (const edge of edges) {
          if (seen.has(edge.to) || edge.to === file) continue
          seen.add(edge.to)
          if (graph.all.get(edge.to) !== graph.all.get(file)) continue // not in a cycle with this file
          const runtime = edges.some((e) => e.to === edge.to && !e.typeOnly)
          if (runtime && graph.runtime.get(edge.to) === graph.runtime.get(file)) continue // import-x/no-cycle's
          const sourceFile = /** @type {ts.SourceFile} */ (program.getSourceFile(file))
          const at = (/** @type {number} */ pos) => {
            const { line, character } = sourceFile.getLineAndCharacterOfPosition(pos)
            return { line: line + 1, column: character }
          }
          context.report({
            loc: { start: at(edge.start), end: at(edge.end) },
            messageId: 'cycle',
            data: { route: route(graph, file, edge, program.getCurrentDirectory()) },
          })
        }
      },
    }
  },
}

/** @typedef {{ to: string, typeOnly: boolean, start: number, end: number }} Edge */
/** @typedef {{ edges: Map<string, Edge[]>, all: Map<string, number>, runtime: Map<string, number> }} Graph */

/** @type {WeakMap<ts.Program, Graph>} */
const graphs = new WeakMap()

/** @param {ts.Program} program */
function moduleGraph(program) {
  const cached = graphs.get(program)
  if (cached) return cached
  const options = program.getCompilerOptions()
  const cache = ts.createModuleResolutionCache(program.getCurrentDirectory(), (name) => name, options)
  const files = program
    .getSourceFiles()
    .filter((sf) => !program.isSourceFileFromExternalLibrary(sf) && !/\/node_modules\//.test(sf.fileName))
  const own = new Set(files.map((sf) => sf.fileName))
  /** @type {Map<string, Edge[]>} */
  const edges = new Map()
  for (const sf of files) {
    /** @type {Edge[]} */
    const out = []
    /** @type {(spec: ts.Node | undefined, typeOnly: boolean) => void} */
    const add = (spec, typeOnly) => {
      if (!spec || !ts.isStringLiteralLike(spec)) return
      const mode = program.getModeForUsageLocation(sf, spec)
      const to = ts.resolveModuleName(spec.text, sf.fileName, options, ts.sys, cache, undefined, mode).resolvedModule
        ?.resolvedFileName
      if (to && own.has(to)) out.push({ to, typeOnly, start: spec.getStart(sf), end: spec.getEnd() })
    }
    /** @param {ts.Node} node */
    const visit = (node) => {
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause
        const named = clause?.namedBindings
        const typeOnly =
          !!clause &&
          (clause.isTypeOnly ||
            (!clause.name &&
              !!named &&
              ts.isNamedImports(named) &&
              named.elements.length > 0 &&
              named.elements.every((e) => e.isTypeOnly)))
        add(node.moduleSpecifier, typeOnly)
      } else if (ts.isExportDeclaration(node)) {
        const named = node.exportClause
        const typeOnly =
          node.isTypeOnly ||
          (!!named &&
            ts.isNamedExports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly))
        add(node.moduleSpecifier, typeOnly)
      } else if (ts.isImportTypeNode(node)) {
        add(ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined, true)
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node.arguments[0], false)
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
    edges.set(sf.fileName, out)
  }
  const graph = {
    edges,
    all: components(edges, () => true),
    runtime: components(edges, (e) => !e.typeOnly),
  }
  graphs.set(program, graph)
  return graph
}

/**
 * Strongly connected components (Tarjan): each file to its component's number.
 * @param {Map<string, Edge[]>} edges
 * @param {(edge: Edge) => boolean} follow
 */
function components(edges, follow) {
  /** @type {Map<string, number>} */
  const index = new Map()
  /** @type {Map<string, number>} */
  const low = new Map()
  /** @type {Map<string, number>} */
  const component = new Map()
  /** @type {string[]} */
  const stack = []
  let next = 0
  /** @param {string} v */
  const connect = (v) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    for (const { to } of (edges.get(v) ?? []).filter(follow)) {
      if (!index.has(to)) {
        connect(to)
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(to))))
      } else if (!component.has(to)) {
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (index.get(to))))
      }
    }
    if (low.get(v) === index.get(v)) {
      let w
      do {
        w = /** @type {string} */ (stack.pop())
        component.set(w, /** @type {number} */ (index.get(v)))
      } while (w !== v)
    }
  }
  for (const v of edges.keys()) if (!index.has(v)) connect(v)
  return component
}

/**
 * The shortest way round, from `file` through `first` and back: `a.ts → b.ts (type) → a.ts`.
 * @param {Graph} graph
 * @param {string} file
 * @param {Edge} first
 * @param {string} root
 */
function route(graph, file, first, root) {
  /** @type {Map<string, Edge | null>} */
  const via = new Map([[first.to, null]])
  const queue = [first.to]
  while (queue.length > 0 && !via.has(file)) {
    const at = /** @type {string} */ (queue.shift())
    for (const edge of graph.edges.get(at) ?? []) {
      if (via.has(edge.to)) continue
      via.set(edge.to, { ...edge, to: at }) // `to` here: where the edge came from
      queue.push(edge.to)
    }
  }
  const name = (/** @type {string} */ f) => path.relative(root, f).split(path.sep).join('/')
  const hop = (/** @type {string} */ f, /** @type {boolean} */ typeOnly) => `${name(f)}${typeOnly ? ' (type)' : ''}`
  /** @type {string[]} */
  const back = []
  for (let at = file; at !== first.to;) {
    const edge = /** @type {Edge} */ (via.get(at))
    const from = edge.to
    const typeOnly = (graph.edges.get(from) ?? []).filter((e) => e.to === at).every((e) => e.typeOnly)
    back.unshift(hop(at, typeOnly))
    at = from
  }
  return [name(file), hop(first.to, first.typeOnly), ...back].join(' → ')
}

/** typescript-eslint's no-unsafe-* family: each use of an `any` value. */
const noUnsafeAny = {
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
}

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'public/',
    'dist/',
    '.wrangler/',
    'bench/out/',
    'test-results/',
    'worker-configuration.d.ts', // generated by `npm run types`
  ]),
  {
    // Everything: ESLint's and typescript-eslint's recommended rules, with types.
    files: ['**/*.{ts,tsx,mts,mjs}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    plugins: { 'import-x': importX, local: { rules: { 'no-type-cycle': noTypeCycle } } },
    languageOptions: {
      parserOptions: {
        // Each .ts/.tsx file is typed by its nearest tsconfig.json (src/ and test/: the root's,
        // web/: web's). Top-level files no tsconfig includes (vitest.config.ts) get the root's.
        projectService: { allowDefaultProject: ['*.ts'], defaultProject: 'tsconfig.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    settings: {
      // How import-x reads the modules it follows (its no-cycle parses each one): TypeScript
      // with typescript-eslint's parser, the rest as JavaScript; resolved as tsc resolves.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      // A module read once a run (the default forgets it after 30 s, and a run takes about that).
      'import-x/cache': { lifetime: '∞' },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'web/tsconfig.json', 'tsconfig.scripts.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      // Errors already in recommendedTypeChecked, named here because they are why this linter
      // exists: a promise nobody awaits in a Worker or a Durable Object is work that may be cut
      // off, or fail with nobody told (Cloudflare's Workers guidance turns this rule on). Where
      // fire-and-forget is meant, the code says `void` (or hands the promise to waitUntil).
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test() and describe() return a promise that the runner itself awaits;
          // its documentation says to ignore it at the top level of a test file.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // A promise where a plain value is expected: an async callback to something that ignores
      // what it returns (a rejection nobody handles), an `if (promise)` that is always true.
      '@typescript-eslint/no-misused-promises': 'error',
      // Cycles of runtime imports, resolved as TypeScript does ...
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // ... and the cycles it skips, those that close through `import type` (see above).
      'local/no-type-cycle': 'error',
      // `_name`: unused on purpose (a parameter a signature needs, a skipped tuple element).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The tests read response bodies as they come (`await res.json()` is `any`) and then assert
    // their shape with expect(); the no-unsafe-* family would want a type written for each
    // body first (some 390 reports), which a test's own assertions already do better. For
    // the same reason `any` is allowed there (a reply's body type defaults to it), and an
    // `async` stub with no await in it is how a test writes a promise-returning fake.
    files: ['test/**/*.ts'],
    rules: {
      ...noUnsafeAny,
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The Node side: JavaScript checked with `checkJs` but `strict: false`, so most values are
    // untyped and each use of one would be a no-unsafe-* report (some 1,400). Kept: the rules
    // that need types but no annotations, the promise rules first.
    files: ['**/*.mjs'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: false, project: './tsconfig.scripts.json' },
    },
    // no-undef off as in TypeScript files: `tsc -p tsconfig.scripts.json` (checkJs) reports
    // an undefined name already, and knows what runs in the browser (page.evaluate's `document`).
    rules: { ...noUnsafeAny, 'no-undef': 'off' },
  },
  {
    files: ['eslint.config.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
)
