/**
 * Keeps the findings catalogue honest: every finding id emitted anywhere in src/ is catalogued, no
 * catalogued id is stale, severities agree with the source, and README.md shows exactly the
 * generated table. Run `UPDATE_CATALOGUE=1 npx vitest run src/lib/diagnosis/catalogue.test.ts` (or
 * `node tests/gen-catalogue.mjs`) to rewrite the README section.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CATALOGUE, renderCatalogueMarkdown, catalogueEntry } from './catalogue'
import { EXPLAIN_FINDING_IDS } from './explain'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const SRC = join(ROOT, 'src')
/** CATALOGUE_README overrides the README path (to try the update on a copy). */
const README = process.env.CATALOGUE_README ?? join(ROOT, 'README.md')
const START = '<!-- catalogue:start -->'
const END = '<!-- catalogue:end -->'
const UPDATE_HINT = 'run UPDATE_CATALOGUE=1 npx vitest run src/lib/diagnosis/catalogue.test.ts'

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const ID_LITERAL = /'([a-z][a-z0-9]*(?:-[a-z0-9]+)*)'|"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)"/g
const SEVERITY_LITERAL = /'(error|warning|info)'/g

type Sev = 'error' | 'warning' | 'info'

/** One place in the source that emits a finding id. */
interface Emission {
  id: string
  file: string
  line: number
  /** The severities this emission can have; empty when it cannot be read statically. */
  severities: Sev[]
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (
      /\.(ts|svelte)$/.test(entry.name) &&
      !/\.test\.ts$|\.spec\.ts$|\.d\.ts$/.test(entry.name) &&
      path !== join(SRC, 'lib', 'diagnosis', 'catalogue.ts')
    )
      out.push(path)
  }
  return out.sort()
}

function literals(expr: string, pattern: RegExp): string[] {
  const out: string[] = []
  for (const m of expr.matchAll(pattern)) out.push(m[1] ?? m[2] ?? '')
  return out.filter(Boolean)
}

/**
 * The id literals an expression can evaluate to: a literal at the start, or right after `?` or `:`
 * of a conditional, and not compared with anything (`x === 'a' ? 'b' : 'c'` yields b and c).
 */
function resultLiterals(expr: string): string[] {
  const out: string[] = []
  for (const m of expr.matchAll(ID_LITERAL)) {
    const before = expr.slice(0, m.index ?? 0).trimEnd()
    const after = expr.slice((m.index ?? 0) + m[0].length).trimStart()
    const atStart = before === '' || /[?:(]$/.test(before)
    if (!atStart || /^[=!]/.test(after) || /[=!<>]=?$/.test(before)) continue
    out.push(m[1] ?? m[2] ?? '')
  }
  return out.filter(Boolean)
}

/** Severities of an argument/property expression: literals; `sev('error')` may also be a warning. */
function severitiesOf(expr: string): Sev[] {
  const set = new Set(literals(expr, SEVERITY_LITERAL) as Sev[])
  if (/\bsev\(\s*'error'\s*\)/.test(expr)) set.add('warning')
  return [...set]
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length
}

/**
 * Finds the finding ids a source file emits, by three patterns:
 * 1. an object literal property `id: <expr>` with a `severity` property within three lines;
 * 2. an assignment `x.id = <expr>` (re-labelling a finding);
 * 3. a call `fn('some-id', <severity>, …)` whose second argument is a severity.
 */
export function scanEmissions(file: string, text: string): Emission[] {
  const out: Emission[] = []
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    const prop = /(?:^|[{,\s])id\s*:\s*(.+)$/.exec(line)
    if (prop && !/^\s*(\/\/|\*)/.test(line)) {
      const window = lines.slice(Math.max(0, i - 3), i + 4).join('\n')
      if (/\bseverity\b\s*[:,}]/.test(window)) {
        const sevLine = /\bseverity\s*:\s*([^\n]+)/.exec(window)
        const severities = sevLine ? severitiesOf(sevLine[1] ?? '') : []
        for (const id of resultLiterals(prop[1] ?? '')) out.push({ id, file, line: i + 1, severities })
      }
    }
    const assign = /\.id\s*=(?!=)\s*(.+)$/.exec(line)
    if (assign && !/^\s*(\/\/|\*)/.test(line)) {
      let expr = assign[1] ?? ''
      for (let j = i + 1; j < lines.length && /^\s*[?:]/.test(lines[j] ?? ''); j++) expr += lines[j]
      for (const id of resultLiterals(expr)) out.push({ id, file, line: i + 1, severities: [] })
    }
  })
  const call =
    /\b[A-Za-z_$][\w$]*\(\s*(?:'([a-z][a-z0-9]*(?:-[a-z0-9]+)*)'|"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")\s*,\s*([^,;\n]*?),/g
  for (const m of text.matchAll(call)) {
    const arg = m[3] ?? ''
    if (!/'(error|warning|info)'|\bsev\b|severity/i.test(arg)) continue
    const id = m[1] ?? m[2] ?? ''
    out.push({ id, file, line: lineOf(text, m.index ?? 0), severities: severitiesOf(arg) })
  }
  return out
}

function allEmissions(): Emission[] {
  const out: Emission[] = []
  for (const path of sourceFiles(SRC)) {
    out.push(...scanEmissions(relative(ROOT, path), readFileSync(path, 'utf8')))
  }
  // explain.ts declares its ids (it builds some of them in expressions the scan cannot read).
  for (const e of EXPLAIN_FINDING_IDS)
    out.push({ id: e.id, file: 'src/lib/diagnosis/explain.ts', line: 0, severities: [] })
  return out
}

function readmeSection(text: string): { before: string; section: string; after: string } | undefined {
  const start = text.indexOf(START)
  const end = text.indexOf(END)
  if (start < 0 || end < 0 || end < start) return undefined
  return {
    before: text.slice(0, start + START.length),
    section: text.slice(start + START.length, end),
    after: text.slice(end),
  }
}

describe('scanEmissions (the source scanner itself)', () => {
  it('reads object literals, re-labelling assignments and helper calls', () => {
    const src = [
      'out.push({',
      "  id: 'alpha-one',",
      "  severity: 'warning',",
      '})',
      "f.id = ok ? 'beta-two' : 'gamma-three'",
      'c.add(',
      "  'delta-four',",
      "  c.sev('error'),",
      "  'title')",
      "finding('epsilon-five', soft ? 'warning' : 'error', c, {})",
      "headers.get('content-type', 'x')",
      "if (f.id === 'not-emitted') return fence('http', lines.join('\\n'))",
      "const SEVERITY_TITLES = [['error', 'Errors']]",
      "f.id = ex.cors === 'unreachable' ? 'endpoint-unreachable' : 'cors-blocked'",
      "const STEPS = [{ id: 'configure', title: 'Configure' }]",
    ].join('\n')
    const found = scanEmissions('x.ts', src)
    expect(found.map((e) => e.id).sort()).toEqual(
      [
        'alpha-one',
        'beta-two',
        'cors-blocked',
        'delta-four',
        'endpoint-unreachable',
        'epsilon-five',
        'gamma-three',
      ].sort(),
    )
    expect(found.find((e) => e.id === 'alpha-one')?.severities).toEqual(['warning'])
    expect(found.find((e) => e.id === 'delta-four')?.severities.sort()).toEqual(['error', 'warning'])
    expect(found.find((e) => e.id === 'epsilon-five')?.severities.sort()).toEqual(['error', 'warning'])
  })
})

describe('findings catalogue', () => {
  const emissions = allEmissions()
  const emitted = new Map<string, Emission[]>()
  for (const e of emissions) emitted.set(e.id, [...(emitted.get(e.id) ?? []), e])
  const catalogued = new Set(CATALOGUE.map((e) => e.id))

  it('scans a plausible number of emissions', () => {
    expect(emitted.size).toBeGreaterThan(50)
  })

  it('lists every finding id emitted in src/', () => {
    const missing = [...emitted.keys()]
      .filter((id) => !catalogued.has(id))
      .map((id) => `${id} (${(emitted.get(id) ?? []).map((e) => `${e.file}:${e.line}`).join(', ')})`)
    expect(missing.join('\n'), 'add these ids to CATALOGUE in src/lib/diagnosis/catalogue.ts').toBe('')
  })

  it('has no stale entries (every catalogued id is emitted somewhere)', () => {
    const stale = CATALOGUE.map((e) => e.id).filter((id) => !emitted.has(id))
    expect(stale.join('\n'), 'remove these ids from CATALOGUE or emit them').toBe('')
  })

  it('has kebab-case, unique ids, sorted by id, with complete entries', () => {
    const ids = CATALOGUE.map((e) => e.id)
    for (const id of ids) expect(id, id).toMatch(KEBAB)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual([...ids].sort())
    for (const e of CATALOGUE) {
      expect(e.title.trim(), e.id).not.toBe('')
      expect(e.spec.trim(), e.id).not.toBe('')
      expect(e.source.trim(), e.id).not.toBe('')
    }
  })

  it('agrees with the severities written in the source', () => {
    const problems: string[] = []
    for (const entry of CATALOGUE) {
      const found = emitted.get(entry.id) ?? []
      const sevs = new Set(found.flatMap((e) => e.severities))
      if (sevs.size > 1 && entry.severity !== 'varies')
        problems.push(`${entry.id}: source uses ${[...sevs].sort().join('/')}, catalogue says ${entry.severity}`)
      if (sevs.size === 1 && entry.severity !== 'varies' && !sevs.has(entry.severity as Sev))
        problems.push(`${entry.id}: source uses ${[...sevs][0]}, catalogue says ${entry.severity}`)
    }
    expect(problems.join('\n')).toBe('')
  })

  it('names the modules that emit each id', () => {
    const problems: string[] = []
    for (const entry of CATALOGUE) {
      const files = new Set((emitted.get(entry.id) ?? []).map((e) => e.file.replace(/^src\/(lib\/)?/, '')))
      for (const f of files) if (!entry.source.split(/,\s*/).includes(f)) problems.push(`${entry.id}: ${f}`)
    }
    expect(problems.join('\n'), 'update the source field of these entries').toBe('')
  })

  it('looks entries up by id', () => {
    expect(catalogueEntry('token-type-not-bearer')?.severity).toBe('varies')
    expect(catalogueEntry('no-such-id')).toBeUndefined()
  })

  it('renders a Markdown table with one row per entry, pipes escaped', () => {
    const md = renderCatalogueMarkdown()
    const rows = md.split('\n').filter((l) => l.startsWith('| `'))
    expect(rows).toHaveLength(CATALOGUE.length)
    expect(md).toContain('| id | severity | meaning | spec |')
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6)
  })

  it('is what README.md shows between the catalogue markers', () => {
    const text = existsSync(README) ? readFileSync(README, 'utf8') : undefined
    const parts = text === undefined ? undefined : readmeSection(text)
    if (!parts) {
      throw new Error(
        `README.md ${text === undefined ? 'does not exist' : `lacks the ${START} / ${END} markers`}: add them, then ${UPDATE_HINT}`,
      )
    }
    const wanted = `\n${renderCatalogueMarkdown().trim()}\n`
    if (process.env.UPDATE_CATALOGUE === '1') {
      if (parts.section !== wanted) writeFileSync(README, `${parts.before}${wanted}${parts.after}`)
      return
    }
    if (parts.section !== wanted) {
      throw new Error(`README.md's findings catalogue is out of date: ${UPDATE_HINT}`)
    }
  })
})
