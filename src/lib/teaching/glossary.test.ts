import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { compile } from 'svelte/compiler'
import { GLOSSARY, STEP_TERMS, findTerm, glueTrailingPunctuation, segmentTerms } from './glossary'
import { STEP_GUIDE } from './step-guide'
import type { StepId } from '../model/types'

describe('glossary', () => {
  it('has unique kebab-case ids', () => {
    const ids = GLOSSARY.map((e) => e.id)
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('links every entry to an https spec', () => {
    for (const e of GLOSSARY) {
      expect(new URL(e.spec.href).protocol, e.id).toBe('https:')
      expect(e.spec.label.length, e.id).toBeGreaterThan(0)
    }
  })

  it('has every alias once, and no alias that is another entry’s term or id', () => {
    const seen = new Map<string, string>()
    for (const e of GLOSSARY) {
      seen.set(e.id, e.id)
      seen.set(e.term.toLowerCase(), e.id)
    }
    const aliasSeen = new Set<string>()
    for (const e of GLOSSARY) {
      for (const a of e.aliases) {
        const key = a.toLowerCase()
        expect(aliasSeen.has(key), `alias ${a} repeated`).toBe(false)
        aliasSeen.add(key)
        const owner = seen.get(key)
        expect(owner === undefined || owner === e.id, `alias ${a} of ${e.id} is ${owner}`).toBe(true)
      }
    }
  })

  it('defines in one to three sentences', () => {
    for (const e of GLOSSARY) {
      const sentences = e.definition.split(/[.!?](?=\s+[A-Z(“"]|$)/).filter((s) => s.trim())
      expect(sentences.length, e.id).toBeGreaterThanOrEqual(1)
      expect(sentences.length, e.id).toBeLessThanOrEqual(3)
    }
  })

  it('covers the terms the steps use', () => {
    const wanted = [
      'authorization-code',
      'code-verifier',
      'code-challenge',
      's256',
      'pkce',
      'state',
      'nonce',
      'issuer',
      'audience',
      'client-id',
      'public-client',
      'confidential-client',
      'redirect-uri',
      'scope',
      'access-token',
      'id-token',
      'refresh-token',
      'jwt',
      'jws',
      'jwk',
      'kid',
      'alg',
      'claim',
      'discovery',
      'well-known',
      'cors',
      'preflight',
      'origin',
      'bearer-token',
      'resource-indicator',
      'token-endpoint',
      'authorization-endpoint',
      'userinfo',
      'introspection',
      'revocation',
      'dpop',
      'iss-parameter',
      'protected-resource-metadata',
      'dynamic-client-registration',
      'client-id-metadata-document',
      'mcp',
    ]
    for (const id of wanted) expect(findTerm(id)?.id, id).toBe(id)
  })

  it('resolves aliases and terms case-insensitively', () => {
    expect(findTerm('code_verifier')?.id).toBe('code-verifier')
    expect(findTerm('aud')?.id).toBe('audience')
    expect(findTerm('JWKS')?.id).toBe('jwk')
    expect(findTerm('Access token')?.id).toBe('access-token')
    expect(findTerm('no-such-term')).toBeUndefined()
  })
})

describe('terms in the step texts', () => {
  it('links phrases that occur in each step’s explanation to existing entries', () => {
    for (const [step, pairs] of Object.entries(STEP_TERMS)) {
      const info = STEP_GUIDE[step as StepId]
      expect(info, step).toBeDefined()
      const segs = segmentTerms(info!.explanation, pairs)
      expect(segs.map((s) => s.text).join(''), step).toBe(info!.explanation)
      for (const [phrase, id] of pairs) {
        expect(
          GLOSSARY.some((e) => e.id === id),
          `${step}: ${id}`,
        ).toBe(true)
        expect(
          segs.some((s) => s.term === id && s.text === phrase),
          `${step}: "${phrase}" not found`,
        ).toBe(true)
      }
    }
  })

  it('segments whole words only, first occurrence, without overlaps', () => {
    const segs = segmentTerms('the code_verifier and the code, then code again', [
      ['code', 'authorization-code'],
      ['code_verifier', 'code-verifier'],
    ])
    expect(segs).toEqual([
      { text: 'the ' },
      { text: 'code_verifier', term: 'code-verifier' },
      { text: ' and the ' },
      { text: 'code', term: 'authorization-code' },
      { text: ', then code again' },
    ])
    expect(
      segmentTerms('ID tokens', [
        ['ID tokens', 'id-token'],
        ['tokens', 'access-token'],
      ]),
    ).toEqual([{ text: 'ID tokens', term: 'id-token' }])
    expect(segmentTerms('', [['x', 'y']])).toEqual([])
    expect(segmentTerms('a (b) c', [['(b)', 'z']])).toEqual([
      { text: 'a ' },
      { text: '(b)', term: 'z' },
      { text: ' c' },
    ])
  })

  it('keeps the punctuation after a term with it (no line break between a term and its comma)', () => {
    const segs = segmentTerms('its issuer, for discovery; a public client. PKCE', [
      ['issuer', 'issuer'],
      ['public client', 'public-client'],
      ['PKCE', 'pkce'],
    ])
    expect(glueTrailingPunctuation(segs)).toEqual([
      { text: 'its ' },
      { text: 'issuer', term: 'issuer', after: ',' },
      { text: ' for discovery; a ' },
      { text: 'public client', term: 'public-client', after: '.' },
      { text: ' ' },
      { text: 'PKCE', term: 'pkce' },
    ])
    // Punctuation that is the whole next segment is taken whole; plain text is left alone.
    expect(glueTrailingPunctuation([{ text: 'x', term: 'x' }, { text: ').' }])).toEqual([
      { text: 'x', term: 'x', after: ').' },
    ])
    expect(glueTrailingPunctuation([{ text: 'a, b' }, { text: 'x', term: 'x' }])).toEqual([
      { text: 'a, b' },
      { text: 'x', term: 'x' },
    ])
  })
})

describe('glossary components', () => {
  for (const file of ['src/ui/Glossary.svelte', 'src/ui/common/Term.svelte']) {
    it(`${file} compiles without warnings`, () => {
      const source = readFileSync(file, 'utf8')
      for (const generate of ['client', 'server'] as const) {
        const out = compile(source, { generate, filename: file })
        expect(out.warnings.map((w) => w.message)).toEqual([])
      }
    }, 60_000)
  }

  it('renders the glossary list and a term (server render)', async () => {
    const { render } = await import('svelte/server')
    const Glossary = (await import('../../ui/Glossary.svelte')).default
    const Term = (await import('../../ui/common/Term.svelte')).default
    const g = render(Glossary).body
    expect(g).toContain('id="glossary"')
    for (const e of GLOSSARY) expect(g).toContain(`id="term-${e.id}"`)
    // A disclosure button that opens the definition in place (StepGuide); an unknown id stays text.
    const b = render(Term, { props: { id: 'aud', onclick: () => {}, expanded: true, controls: 'def-1' } }).body
    expect(b).toContain('<button')
    expect(b).toContain('aria-expanded="true"')
    expect(b).toContain('aria-controls="def-1"')
    expect(b).not.toContain('href=')
    expect(render(Term, { props: { id: 'unknown-word', onclick: () => {} } }).body).not.toContain('<button')
  }, 60_000)
})
