/**
 * Keeps the findings catalogue honest. Every emitted id is catalogued by construction (FindingId is
 * derived from CATALOGUE); here: no catalogued id is stale, entries are complete and sorted, and
 * README.md shows exactly the generated table. Run `UPDATE_CATALOGUE=1 npx vitest run src/lib/model/catalogue.test.ts` (or
 * `node tests/gen-catalogue.mjs`) to rewrite the README section.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CATALOGUE, renderCatalogueMarkdown, catalogueEntry, isFindingId, type CatalogueEntry } from './catalogue'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const SRC = join(ROOT, 'src')
/** CATALOGUE_README overrides the README path (to try the update on a copy). */
const README = process.env.CATALOGUE_README ?? join(ROOT, 'README.md')
const START = '<!-- catalogue:start -->'
const END = '<!-- catalogue:end -->'
const UPDATE_HINT = 'run UPDATE_CATALOGUE=1 npx vitest run src/lib/model/catalogue.test.ts'

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** The app's source files (tests and the catalogue itself excluded), by path relative to src. */
function coreSources(): Map<string, string> {
  const lib = SRC
  const out = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (
        /\.(ts|svelte)$/.test(entry.name) &&
        !/\.test\.ts$|\.d\.ts$/.test(entry.name) &&
        entry.name !== 'catalogue.ts'
      )
        out.set(relative(lib, path), readFileSync(path, 'utf8'))
    }
  }
  walk(lib)
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

describe('findings catalogue', () => {
  // FindingId is derived from CATALOGUE, so an emitted id that is not catalogued does not compile.
  // What is left to check: no entry is stale.
  const sources = coreSources()
  const mentions = (id: string): string[] =>
    [...sources].filter(([, text]) => text.includes(`'${id}'`) || text.includes(`"${id}"`)).map(([file]) => file)

  it('has no stale entries (every catalogued id is used somewhere in the core)', () => {
    const stale = CATALOGUE.map((e) => e.id).filter((id) => mentions(id).length === 0)
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
    }
  })

  it('supersedes only catalogued ids, never its own, and nothing supersedes back', () => {
    for (const e of CATALOGUE as readonly CatalogueEntry[]) {
      for (const id of e.supersedes ?? []) {
        expect(isFindingId(id), `${e.id} supersedes ${id}`).toBe(true)
        expect(id).not.toBe(e.id)
        expect(catalogueEntry(id)?.supersedes ?? []).not.toContain(e.id)
      }
    }
  })

  it('looks entries up by id', () => {
    expect(catalogueEntry('token-type-not-bearer')?.severity).toBe('varies')
    expect(catalogueEntry('no-such-id')).toBeUndefined()
    expect(isFindingId('token-type-not-bearer')).toBe(true)
    expect(isFindingId('no-such-id')).toBe(false)
  })

  it('renders a Markdown table with one row per entry, pipes escaped', () => {
    const md = renderCatalogueMarkdown()
    const rows = md.split('\n').filter((l) => l.startsWith('| `'))
    expect(rows).toHaveLength(CATALOGUE.length)
    expect(md).toContain('| id | OAuth | OIDC | MCP | basis | meaning | spec |')
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(9)
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
