// The boundary of the core, as a test (with eslint.config.js and tsconfig.core.json, run by `npm run
// check`): the first view — everything main.ts reaches through static imports — never reaches the
// protocol and crypto libraries (they load on demand, with src/lib/flow/engine.ts), and every core
// folder has its header saying what lives there and what it may import.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..')
const HEAVY = ['oauth4webapi', 'jose']

/** The specifiers a module imports statically (`import … from`, `export … from`, bare `import '…'`). */
function staticImports(file: string): string[] {
  let text = readFileSync(file, 'utf8')
  if (file.endsWith('.svelte'))
    text = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
  // Drop comments so that an import written in a comment does not count.
  text = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')
  const out: string[] = []
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]/g)) {
    if (m[1]) continue // `import type …` is erased
    out.push(m[2] ?? '')
  }
  return out
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (existsSync(candidate) && !candidate.endsWith('/')) {
      try {
        readFileSync(candidate)
        return candidate
      } catch {
        // a directory
      }
    }
  }
  return undefined
}

/** Every module main.ts reaches through static imports, and the packages they import. */
function firstView(): { modules: Set<string>; packages: Map<string, string> } {
  const modules = new Set<string>()
  const packages = new Map<string, string>()
  const queue = [join(SRC, 'main.ts')]
  while (queue.length) {
    const file = queue.pop() as string
    if (modules.has(file)) continue
    modules.add(file)
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec)
        if (target && /\.(ts|svelte)$/.test(target)) queue.push(target)
      } else {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec)
        if (!packages.has(pkg)) packages.set(pkg, file.slice(SRC.length + 1))
      }
    }
  }
  return { modules, packages }
}

describe('the core boundary', () => {
  it('the first view never reaches oauth4webapi or jose (they load with the engine, on demand)', () => {
    const { modules, packages } = firstView()
    expect(modules.size).toBeGreaterThan(10)
    for (const heavy of HEAVY)
      expect(packages.get(heavy), `${heavy} imported by ${packages.get(heavy)}`).toBeUndefined()
    // The engine itself is only ever loaded dynamically.
    expect([...modules].some((m) => m.endsWith(join('lib', 'flow', 'engine.ts')))).toBe(false)
  })

  it('the scan sees what it should: the engine does reach both libraries', () => {
    const seen = new Set<string>()
    const queue = [join(SRC, 'lib', 'flow', 'engine.ts')]
    const pkgs = new Set<string>()
    while (queue.length) {
      const file = queue.pop() as string
      if (seen.has(file)) continue
      seen.add(file)
      for (const spec of staticImports(file)) {
        if (spec.startsWith('.')) {
          const target = resolveLocal(file, spec)
          if (target) queue.push(target)
        } else pkgs.add(spec)
      }
    }
    for (const heavy of HEAVY) expect(pkgs.has(heavy)).toBe(true)
  })

  it('every core folder says what lives there and what it may import', () => {
    for (const folder of ['model', 'platform', 'diagnosis', 'protocol', 'mcp', 'checks', 'teaching', 'flow']) {
      const readme = join(SRC, 'lib', folder, 'README.md')
      expect(existsSync(readme), `src/lib/${folder}/README.md`).toBe(true)
      expect(readFileSync(readme, 'utf8')).toMatch(/May import/i)
    }
  })
})
