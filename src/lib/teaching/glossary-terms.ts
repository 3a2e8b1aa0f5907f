/**
 * Which words of the step explanations link to the glossary, and how a text is cut into plain and
 * linked pieces (no HTML is built: the pieces are rendered as text and links).
 */
/**
 * The words of each step's explanation (steps.ts) that link to the glossary: [phrase, entry id].
 * The first whole-word, case-sensitive occurrence of each phrase is linked.
 */
export const STEP_TERMS: Readonly<Record<string, ReadonlyArray<readonly [phrase: string, id: string]>>> = {
  configure: [
    ['issuer', 'issuer'],
    ['public client', 'public-client'],
    ['PKCE', 'pkce'],
  ],
  'mcp-probe': [
    ['MCP', 'mcp'],
    ['WWW-Authenticate: Bearer', 'bearer-token'],
    ['Protected Resource Metadata', 'protected-resource-metadata'],
    ['scope', 'scope'],
    ['Access-Control-Expose-Headers', 'cors'],
  ],
  'mcp-discovery': [
    ['Protected Resource Metadata', 'protected-resource-metadata'],
    ['metadata', 'discovery'],
    ['resource', 'resource-indicator'],
  ],
  discovery: [
    ['metadata document', 'discovery'],
    ['well-known URL', 'well-known'],
    ['PKCE', 'pkce'],
    ['jwks_uri', 'jwk'],
    ['issuer', 'issuer'],
  ],
  registration: [
    ['client ID', 'client-id'],
    ['Client ID Metadata Document', 'client-id-metadata-document'],
    ['Dynamic Client Registration', 'dynamic-client-registration'],
    ['public client', 'public-client'],
  ],
  pkce: [
    ['code_verifier', 'code-verifier'],
    ['code_challenge', 'code-challenge'],
    ['token endpoint', 'token-endpoint'],
  ],
  authorization: [
    ['authorization endpoint', 'authorization-endpoint'],
    ['state', 'state'],
    ['pushed authorization request', 'par'],
    ['request_uri', 'request-uri'],
  ],
  callback: [
    ['redirect URI', 'redirect-uri'],
    ['code', 'authorization-code'],
    ['state', 'state'],
    ['iss', 'iss-parameter'],
    ['issuer', 'issuer'],
  ],
  token: [
    ['code', 'authorization-code'],
    ['redirect URI', 'redirect-uri'],
    ['code_verifier', 'code-verifier'],
    ['token endpoint', 'token-endpoint'],
    ['origin', 'origin'],
    ['CORS', 'cors'],
    ['DPoP', 'dpop'],
  ],
  tokens: [
    ['ID tokens', 'id-token'],
    ['JWTs', 'jwt'],
    ['signature', 'jws'],
    ['JWKS', 'jwk'],
    ['iss', 'issuer'],
    ['aud', 'audience'],
    ['nonce', 'nonce'],
    ['access token', 'access-token'],
  ],
  'mcp-tools': [
    ['access token', 'access-token'],
    ['Bearer', 'bearer-token'],
    ['MCP', 'mcp'],
    ['audience', 'audience'],
  ],
}

export interface TextSegment {
  text: string
  /** Glossary id when this segment is a linked term. */
  term?: string
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Splits plain text into segments, marking the first whole-word occurrence of each phrase, for
 * rendering with <Term> without {@html}:
 * `{#each segmentTerms(text, STEP_TERMS[step] ?? []) as s}{#if s.term}<Term id={s.term}>{s.text}</Term>{:else}{s.text}{/if}{/each}`
 */
export function segmentTerms(text: string, pairs: ReadonlyArray<readonly [string, string]>): TextSegment[] {
  const hits: Array<{ start: number; end: number; term: string }> = []
  for (const [phrase, term] of pairs) {
    if (!phrase) continue
    const re = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(phrase)}(?![A-Za-z0-9_])`, 'g')
    for (const m of text.matchAll(re)) {
      const start = m.index
      const end = start + phrase.length
      if (hits.some((h) => start < h.end && end > h.start)) continue
      hits.push({ start, end, term })
      break
    }
  }
  hits.sort((a, b) => a.start - b.start)
  const out: TextSegment[] = []
  let at = 0
  for (const h of hits) {
    if (h.start > at) out.push({ text: text.slice(at, h.start) })
    out.push({ text: text.slice(h.start, h.end), term: h.term })
    at = h.end
  }
  if (at < text.length) out.push({ text: text.slice(at) })
  return out
}

/**
 * Moves the punctuation that follows a term into the term's segment (`after`), so that the page can
 * keep them on one line: a term is a button, and a line may otherwise break between it and its comma.
 */
export function glueTrailingPunctuation(segments: TextSegment[]): Array<TextSegment & { after?: string }> {
  const out: Array<TextSegment & { after?: string }> = []
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]
    if (!s) continue
    const next = segments[i + 1]
    const punct = s.term && next && !next.term ? (/^[,.;:!?)\]]+/.exec(next.text)?.[0] ?? '') : ''
    if (!punct || !next) {
      out.push(s)
      continue
    }
    out.push({ ...s, after: punct })
    if (next.text.length > punct.length) out.push({ text: next.text.slice(punct.length) })
    i++
  }
  return out
}
