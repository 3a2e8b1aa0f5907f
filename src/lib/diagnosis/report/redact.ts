// Redaction of structured values: exchanges (headers and bodies), findings, parameters, JSON and JWT
// claims, and the literal secrets of a run that must not appear anywhere.
import { decodeToken } from '../../platform/jwt-decode'
import { parseJsonObject } from '../../platform/text'
import { REMOVED_AFTER_USE } from '../../platform/persist'
import type { Finding, FlowSnapshot, HeaderList, HttpExchange, RecordedRequest } from '../../model/types'
import { REDACTED, classifyKey, redactByClass, prepareLiterals, redactWith } from './redact-text'
import type { ReportExchange } from './types'

const SECRET_HEADER = /secret|token|api-?key|password|passwd|credential|cookie|session/

function redactHeaderValue(name: string, value: string, literals: readonly string[]): string {
  const n = name.toLowerCase()
  if (n === 'authorization' || n === 'proxy-authorization') {
    const scheme = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+\S/.exec(value)?.[1]
    return scheme ? `${scheme} ${REDACTED}` : REDACTED
  }
  if (n === 'cookie' || n === 'set-cookie') return REDACTED
  if (!n.startsWith('access-control-') && SECRET_HEADER.test(n)) return REDACTED
  return redactWith(value, literals)
}

function redactHeaders(list: HeaderList | undefined, literals: readonly string[]): HeaderList {
  if (!Array.isArray(list)) return []
  return list.map(([name, value]) => [name, redactHeaderValue(name, String(value), literals)])
}

/**
 * Values to scrub from a JSON body beyond what {@link redactText} finds by name: private JWK
 * members (d, p, q, …) a server must never publish, and secret members nested anywhere.
 */
function jsonBodySecrets(body: string): string[] {
  const t = body.trimStart()
  if (!t.startsWith('{') && !t.startsWith('[')) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(t)
  } catch {
    return []
  }
  const out: string[] = []
  const walk = (v: unknown, depth: number): void => {
    if (depth > 20 || v === null || typeof v !== 'object') return
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1)
      return
    }
    const obj = v as Record<string, unknown>
    const isJwk = typeof obj.kty === 'string'
    for (const [k, x] of Object.entries(obj)) {
      if (typeof x === 'string') {
        if (isJwk && PRIVATE_JWK_MEMBERS.has(k)) out.push(x)
        else if (classifyKey(k) === 'secret') out.push(x)
      } else walk(x, depth + 1)
    }
  }
  walk(parsed, 0)
  return out
}

const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'priv'])

/**
 * A body, redacted. A JSON body is redacted on its parsed values too (a server may echo a secret with
 * JSON escapes, which no text search of the raw body finds): when that removes anything the text
 * search missed, the body is written again from the redacted values.
 */
function redactBody(body: string, literals: readonly string[]): string {
  const extra = prepareLiterals(jsonBodySecrets(body))
  const all = extra.length ? [...extra, ...literals] : literals
  const byText = redactWith(body, all)
  const t = body.trimStart()
  if (!t.startsWith('{') && !t.startsWith('[')) return byText
  let parsed: unknown
  try {
    parsed = JSON.parse(t)
  } catch {
    return byText
  }
  const byValue = redactJson(parsed, all)
  let reparsed: unknown
  try {
    reparsed = JSON.parse(byText)
  } catch {
    return JSON.stringify(byValue)
  }
  // The text search left nothing the value walk would remove: keep the body as the server wrote it.
  return JSON.stringify(redactJson(reparsed, all)) === JSON.stringify(reparsed) ? byText : JSON.stringify(byValue)
}

/**
 * One exchange, redacted: URL query and fragment, request headers (Authorization keeps only its
 * scheme), form or JSON bodies, response headers (Location included) and bodies, error messages.
 */
export function redactExchange(ex: HttpExchange, secrets?: readonly string[]): ReportExchange {
  return redactExchangeWith(ex, prepareLiterals(secrets))
}

export function redactExchangeWith(ex: HttpExchange, literals: readonly string[]): ReportExchange {
  const req = ex.request
  const request: RecordedRequest = {
    method: req.method,
    url: redactWith(req.url, literals),
    headers: redactHeaders(req.headers, literals),
    browserAdded: redactHeaders(req.browserAdded, literals),
  }
  if (req.body !== undefined) request.body = redactBody(req.body, literals)
  const out: ReportExchange = {
    id: ex.id,
    step: ex.step,
    label: redactWith(ex.label, literals),
    startedAt: ex.startedAt,
    durationMs: ex.durationMs,
    request,
    cors: ex.cors,
  }
  if (ex.response) {
    const r = ex.response
    out.response = {
      status: r.status,
      statusText: redactWith(r.statusText, literals),
      type: r.type,
      url: redactWith(r.url, literals),
      headers: redactHeaders(r.headers, literals),
      body: redactBody(r.body, literals),
      bodyTruncated: r.bodyTruncated,
    }
  }
  if (ex.error) {
    out.error = { name: ex.error.name, message: redactWith(ex.error.message, literals) }
  }
  if (ex.corsDetail !== undefined) out.corsDetail = redactWith(ex.corsDetail, literals)
  return out
}

/** A finding with its text and data redacted (data members named like secrets are removed). */
export function redactFinding(f: Finding, secrets?: readonly string[]): Finding {
  return redactFindingWith(f, prepareLiterals(secrets))
}

export function redactFindingWith(f: Finding, literals: readonly string[]): Finding {
  const out: Finding = {
    id: f.id,
    severity: f.severity,
    step: f.step,
    title: redactWith(f.title, literals),
    detail: redactWith(f.detail, literals),
    fix: redactWith(f.fix, literals),
    spec: f.spec,
  }
  if (f.data) {
    const data: NonNullable<Finding['data']> = {}
    for (const [k, v] of Object.entries(f.data)) {
      const cls = classifyKey(k)
      if (typeof v === 'string') {
        data[k] = cls === 'keep' ? redactWith(v, literals) : redactByClass(cls, v)
      } else if (Array.isArray(v)) {
        data[k] = v.map((x) => (cls === 'keep' ? redactWith(String(x), literals) : redactByClass(cls, String(x))))
      } else {
        data[k] = v
      }
    }
    out.data = data
  }
  return out
}

export function redactParams(
  params: ReadonlyArray<readonly [string, string]> | undefined,
  literals: readonly string[],
): Array<[string, string]> {
  if (!Array.isArray(params)) return []
  return params.map(([k, v]) => {
    const cls = classifyKey(k)
    return [k, cls === 'keep' ? redactWith(v, literals) : redactByClass(cls, v)]
  })
}

/**
 * Deep copy of JSON data with secret members removed (by name, private JWK members included) and
 * every string and member name run through the literal search.
 */
export function redactJson(value: unknown, literals: readonly string[], depth = 0): unknown {
  if (depth > 20) return '[too deep]'
  if (typeof value === 'string') return redactWith(value, literals)
  if (Array.isArray(value)) return value.map((v) => redactJson(v, literals, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    const isJwk = typeof (value as Record<string, unknown>).kty === 'string'
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const cls = isJwk && PRIVATE_JWK_MEMBERS.has(k) ? 'secret' : classifyKey(k)
      const name = redactWith(k, literals)
      if (cls !== 'keep' && typeof v === 'string') out[name] = redactByClass(cls, v)
      else if (cls === 'secret' && v !== null && typeof v === 'object') out[name] = REDACTED
      else out[name] = redactJson(v, literals, depth + 1)
    }
    return out
  }
  return value
}

/** Claims and headers stay as issued; only nonce and literal secrets are removed. */
export function redactClaims(claims: Record<string, unknown>, literals: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(claims)) {
    if (k === 'nonce' && v !== undefined && v !== null) out[k] = REDACTED
    else out[k] = scrubStrings(v, literals, 0)
  }
  return out
}

export function scrubStrings(value: unknown, literals: readonly string[], depth: number): unknown {
  if (depth > 20) return '[too deep]'
  if (typeof value === 'string') return redactWith(value, literals)
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, literals, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = scrubStrings(v, literals, depth + 1)
    }
    return out
  }
  return value
}

const SECRET_BODY_MEMBERS = [
  'refresh_token',
  'access_token',
  'id_token',
  'code',
  'client_secret',
  'registration_access_token',
]

/** The form-encoded parameters of a recorded request: its URL's query and a form body. */
function sentParams(request: { url: string; body?: string }): Array<[string, string]> {
  const out: Array<[string, string]> = []
  const query = request.url.indexOf('?')
  if (query >= 0) out.push(...new URLSearchParams(request.url.slice(query + 1).replace(/#.*/, '')))
  const body = request.body?.trim()
  if (body && !body.startsWith('{') && !body.startsWith('[') && body.includes('='))
    out.push(...new URLSearchParams(body))
  return out
}

/**
 * Every secret value the snapshot knows, to be scrubbed wherever it appears: code, verifier, state,
 * nonce, callback secrets, opaque tokens and refresh tokens of token responses, JWT signatures.
 * Add the client secret (kept apart from the snapshot) and its Basic-auth encodings.
 * What the page itself sent counts too: the secret-named parameters of every recorded request (after
 * a reload the stored snapshot no longer holds the used code and verifier, a probe runs its own
 * authorization with its own code and verifier, and a server may echo any of them in its answer).
 */
export function knownSecrets(snapshot: FlowSnapshot, clientSecret = ''): string[] {
  const out: string[] = []
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v) out.push(v)
  }
  add(snapshot.code)
  add(snapshot.pkce?.code_verifier)
  // RFC 7636 §4.2: with the plain method the challenge is the verifier itself.
  if (snapshot.pkce?.method === 'plain') add(snapshot.pkce.code_challenge)
  add(snapshot.authorization?.state)
  add(snapshot.authorization?.nonce)
  for (const [k, v] of snapshot.callback?.params ?? []) if (classifyKey(k) !== 'keep') add(v)
  for (const [k, v] of snapshot.authorization?.params ?? []) if (classifyKey(k) !== 'keep') add(v)
  for (const [k, v] of snapshot.config.extra_params ?? []) if (classifyKey(k) !== 'keep') add(v)
  for (const ex of snapshot.exchanges ?? [])
    for (const [k, v] of sentParams(ex.request)) if (classifyKey(k) !== 'keep' && v !== REMOVED_AFTER_USE) add(v)
  const bodies: Array<Record<string, unknown>> = []
  if (snapshot.token?.body) bodies.push(snapshot.token.body)
  for (const ex of snapshot.exchanges ?? []) {
    const b = parseJsonObject(ex.response?.body)
    if (b) bodies.push(b)
  }
  for (const body of bodies) {
    for (const m of SECRET_BODY_MEMBERS) {
      const v = body[m]
      if (typeof v !== 'string' || !v) continue
      const d = decodeToken(v)
      if (d.format === 'jwt') add(d.segments.signature)
      else if (d.format === 'jwe') add(v.slice(v.indexOf('.') + 1))
      else add(v)
    }
  }
  if (clientSecret) {
    add(clientSecret)
    const id = snapshot.config.client_id
    // RFC 6749 §2.3.1: Basic credentials are the form-encoded id and secret, base64-encoded.
    const formEnc = (s: string): string => new URLSearchParams({ s }).toString().slice(2)
    add(base64(`${id}:${clientSecret}`))
    add(base64(`${formEnc(id)}:${formEnc(clientSecret)}`))
  }
  return out
}

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}
