/**
 * The diagnostic report: "Download report" (JSON) and "Copy report as Markdown" (for a support
 * ticket or an issue), both built from one redacted {@link Report}, and the verdict that says where
 * to look next. Pure: no DOM, no Svelte.
 *
 * Redaction is the point of this module. Reports are pasted into public issues, so a report never
 * holds the authorization code, the code_verifier, a client secret, a refresh token, a token
 * signature, state or nonce. JWT headers and claims stay: they are what support needs.
 *
 * @see [RFC 6749 §10.3, §10.5 - Access tokens, authorization codes](https://www.rfc-editor.org/rfc/rfc6749.html#section-10.3)
 * @see [RFC 6750 §5.3 - Do not store bearer tokens in cleartext](https://www.rfc-editor.org/rfc/rfc6750.html#section-5.3)
 * @see [RFC 9700 §4.3 - Credential leakage](https://www.rfc-editor.org/rfc/rfc9700.html#section-4.3)
 */
import { decodeToken, type DecodedToken, type TokenKind } from '../platform/jwt-decode'
import { STEPS, stepsFor } from '../model/steps'
import { containsLiteral, literalVariants, safeDecode } from '../platform/secrets'
import { parseJsonObject } from '../platform/text'
import type {
  Finding,
  FlowConfig,
  FlowSnapshot,
  HeaderList,
  HttpExchange,
  PkceMethod,
  RecordedRequest,
  RecordedResponse,
  StepId,
  StepStatus,
} from '../model/types'

export const REPORT_FILENAME = 'pkce-playground-report.json'
export const REPORT_TOOL = 'pkce-playground'

/** What replaces a removed value. */
export const REDACTED = '[redacted]'
const SIGNATURE_REDACTED = '[signature redacted]'
/** Body size shown per exchange in the Markdown report (the JSON report keeps the recording). */
export const MARKDOWN_BODY_LIMIT = 4096

// ---------------------------------------------------------------------------------------------
// Report shapes

export type ReportStepStatus = 'ok' | 'warning' | 'error' | 'skipped'

/** One recorded HTTP exchange, redacted: the same shape as the recording. */
export type ReportExchange = HttpExchange

export interface ReportStep {
  id: StepId | string
  title: string
  status: ReportStepStatus
  exchanges: ReportExchange[]
  /** Ids of the findings reported for this step, in order. */
  findingIds: string[]
}

/** A token of the token response: its decoded header and claims, never the token itself. */
export interface ReportToken {
  kind: TokenKind
  format: DecodedToken['format']
  /** Length of the token as issued, in characters. */
  length: number
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  note?: string
}

/**
 * Where to look next.
 * - `A`: the token exchange failed (rejected, blocked, unreachable): client configuration, PKCE,
 *   redirect URI or CORS.
 * - `B`: the exchange succeeded but the response or the tokens break the spec or what strict clients
 *   expect: fix the token response.
 * - `C`: everything checked in the token exchange is conformant from this browser: look at the
 *   client (its logs, WAF / IP rules).
 * - `incomplete`: the flow never reached the token exchange.
 */
export interface Verdict {
  scenario: 'A' | 'B' | 'C' | 'incomplete'
  title: string
  summary: string
  /** The findings that led to the verdict. */
  findingIds: string[]
}

export interface Report {
  tool: typeof REPORT_TOOL
  version: string
  generatedAt: string
  /** The page origin the flow ran from (it matters for CORS and the redirect URI). */
  origin: string
  /** The configuration; values of secret-looking extra parameters are redacted. */
  config: FlowConfig
  /** The effective server metadata (discovered, completed by hand-entered endpoints). */
  metadata?: Record<string, unknown>
  pkce?: { method: PkceMethod; code_challenge: string }
  /** The authorization request, with state and nonce redacted. */
  authorization?: { url: string; params: Array<[key: string, value: string]> }
  /** The callback parameters, with code and state redacted. */
  callback?: { outcome: string; params: Array<[key: string, value: string]> }
  steps: ReportStep[]
  findings: Finding[]
  verdict: Verdict
  tokens?: ReportToken[]
}

export interface BuildReportOptions {
  /** The playground version (package.json). */
  version: string
  now?: Date
  /**
   * Status of steps that are not in `STEPS` (refresh, userinfo, mcp-…), in display order. Steps
   * named only by exchanges or findings are added after these, in order of appearance.
   */
  extraSteps?: Array<{ id: string; title?: string; status?: StepStatus }>
  /** The client secret (kept apart from the snapshot): scrubbed wherever it appears. */
  clientSecret?: string
  /** Any other values to scrub wherever they appear. */
  secrets?: readonly string[]
}

// ---------------------------------------------------------------------------------------------
// Redaction

type KeyClass = 'secret' | 'token' | 'keep'

/** Always removed, whatever the value looks like. */
const SECRET_KEYS = new Set([
  'code',
  'code_verifier',
  'client_secret',
  'refresh_token',
  'client_assertion',
  'password',
  'registration_access_token',
  'state',
  'nonce',
  'assertion',
  'device_code',
  'user_code',
  'pre-authorized_code',
  'tx_code',
  'secret',
  'api_key',
  'apikey',
  'private_key',
])

/** Tokens: a JWT keeps its header and payload, anything else becomes a placeholder. */
const TOKEN_KEYS = new Set([
  'access_token',
  'id_token',
  'id_token_hint',
  'token',
  'subject_token',
  'actor_token',
  'logout_token',
  'login_hint_token',
  'issued_token',
])

/** Names that look secret to the heuristic below but are public. */
const PUBLIC_KEYS = new Set([
  'code_challenge',
  'code_challenge_method',
  'response_type',
  'grant_type',
  'token_type',
  'token_type_hint',
  'issued_token_type',
  'requested_token_type',
  'subject_token_type',
  'actor_token_type',
  'error_code',
  'status_code',
  'country_code',
  'postal_code',
  'zip_code',
  'response_code',
])
const PUBLIC_SUFFIX =
  /(?:_type|_types|_hint|_method|_methods|_in|_at|_alg|_enc|_uri|_url|_endpoint|_endpoints|_supported|_values|_challenge|_id|_name)$/
const SECRET_HEURISTIC = /secret|passw|token|verifier|assertion|api[-_]?key|credential|private|cookie|(?:^|[-_])code$/

/** How a parameter or member name is treated. Exported for tests and the UI. */
export function classifyKey(key: string): KeyClass {
  const k = key.toLowerCase()
  if (SECRET_KEYS.has(k)) return 'secret'
  if (TOKEN_KEYS.has(k)) return 'token'
  if (PUBLIC_KEYS.has(k) || PUBLIC_SUFFIX.test(k)) return 'keep'
  if (SECRET_HEURISTIC.test(k)) return k.includes('token') ? 'token' : 'secret'
  return 'keep'
}

/**
 * A token reduced to what is safe to share: a JWS keeps header and payload and loses its signature
 * (so it can no longer be replayed), a JWE keeps its protected header only, anything else becomes
 * `[opaque token redacted, N chars]`.
 */
export function redactToken(value: string): string {
  if (!value || value === REDACTED || /^\[(?:opaque token|encrypted content) redacted[^\]]*\]$/.test(value))
    return value
  const d = decodeToken(value)
  if (d.format === 'jwt') {
    if (!d.segments.signature) return `${d.segments.header}.${d.segments.payload}.`
    return `${d.segments.header}.${d.segments.payload}.${SIGNATURE_REDACTED}`
  }
  if (d.format === 'jwe' && d.header) {
    return `${value.split('.')[0] ?? ''}.[encrypted content redacted]`
  }
  return `[opaque token redacted, ${value.length} chars]`
}

function redactByClass(cls: KeyClass, value: string): string {
  if (cls === 'secret') return value === '' ? value : REDACTED
  if (cls === 'token') return redactToken(value)
  return value
}

const MIN_LITERAL = 6

/** Prepares a list of secret literals for {@link redactText}: variants, longest first. */
function prepareLiterals(secrets: readonly string[] | undefined): string[] {
  const all = new Set<string>()
  for (const s of secrets ?? []) {
    if (typeof s !== 'string' || s.length < MIN_LITERAL) continue
    for (const v of literalVariants(s)) all.add(v)
  }
  return [...all].sort((a, b) => b.length - a.length)
}

// A JWS (three segments) or JWE (five), starting at the beginning of a base64url run so that the
// scan stays linear on long base64 bodies.
const JWT_IN_TEXT =
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)?(?![A-Za-z0-9_-])/g
// key=value in a query string, form body or prose.
const PAIR_IN_TEXT = /(^|[?&#;\s"'(,])([A-Za-z][A-Za-z0-9_.-]*)=([^&#\s"'<>;,)]*)/g
// "key": "value" in JSON text (also inside truncated or unparseable JSON).
const JSON_PAIR_IN_TEXT = /"((?:[^"\\\n]|\\.){1,100})"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"/g
// <input name="code" value="…"> (response_mode=form_post pages).
const HTML_INPUT = /(name\s*=\s*["']([A-Za-z0-9_.-]+)["'][^>]*?value\s*=\s*["'])([^"']*)(["'])/gi
// Authorization: Basic xyz / Bearer xyz written in text (curl commands, error messages).
const AUTH_IN_TEXT = /\b((?:proxy-)?authorization\s*[:=]\s*["']?)([A-Za-z][A-Za-z0-9_-]*)[ \t]+([^\s"',]+)/gi
// curl -u id:secret
const CURL_USER = /(\s(?:-u|--user)\s+)('[^']*'|"[^"]*"|\S+)/g

function jsonUnescape(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string
  } catch {
    return s
  }
}

function jsonEscape(s: string): string {
  return JSON.stringify(s).slice(1, -1)
}

/**
 * Removes secrets from any text: values of secret parameters (`code=…`, `"refresh_token": "…"`,
 * hidden form inputs), Authorization header values, token signatures (every JWT keeps only its
 * header and payload), and every literal occurrence of `secrets` (also percent- and form-encoded).
 */
export function redactText(text: string, secrets?: readonly string[]): string {
  return redactWith(text, prepareLiterals(secrets))
}

// A JSON string literal that uses escapes (\uXXXX, \/ …): the same secret in other characters.
const JSON_ESCAPED_STRING = /"((?:[^"\\\n]|\\.)*\\(?:[^"\\\n]|\\.)*)"/g
// A run of URL characters that contains percent-escapes.
const PERCENT_RUN =
  /(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~+!*'()-])*%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9._~+!*'()-])*/g

function redactWith(text: string, literals: readonly string[]): string {
  if (typeof text !== 'string' || text === '') return text
  // Secrets hidden by an encoding the literal variants do not list: decode, look, and remove the
  // whole encoded value when a secret is inside.
  let out = text
  if (literals.length && out.includes('\\')) {
    out = out.replace(JSON_ESCAPED_STRING, (m, inner: string) =>
      containsLiteral(jsonUnescape(inner), literals) ? `"${REDACTED}"` : m,
    )
  }
  if (literals.length && out.includes('%')) {
    out = out.replace(PERCENT_RUN, (m) => {
      let decoded = m
      for (let i = 0; i < 3 && decoded.includes('%'); i++) decoded = safeDecode(decoded)
      return containsLiteral(decoded, literals) ? REDACTED : m
    })
  }
  out = out.replace(JSON_PAIR_IN_TEXT, (m, key: string, sep: string, value: string) => {
    const cls = classifyKey(jsonUnescape(key))
    if (cls === 'keep') return m
    return `"${key}"${sep}"${jsonEscape(redactByClass(cls, jsonUnescape(value)))}"`
  })
  out = out.replace(PAIR_IN_TEXT, (m, lead: string, key: string, value: string) => {
    const cls = classifyKey(safeDecode(key))
    if (cls === 'keep' || value === '') return m
    return `${lead}${key}=${redactByClass(cls, safeDecode(value))}`
  })
  out = out.replace(HTML_INPUT, (m, head: string, key: string, value: string, tail: string) => {
    const cls = classifyKey(key)
    if (cls === 'keep' || value === '') return m
    return `${head}${redactByClass(cls, value)}${tail}`
  })
  out = out.replace(AUTH_IN_TEXT, (_m, head: string, scheme: string) => `${head}${scheme} ${REDACTED}`)
  out = out.replace(CURL_USER, (_m, head: string) => `${head}'${REDACTED}'`)
  out = out.replace(JWT_IN_TEXT, (m) => {
    const d = decodeToken(m)
    if (d.format === 'jwt' || (d.format === 'jwe' && d.header)) return redactToken(m)
    return m
  })
  for (const lit of literals) {
    if (out.includes(lit)) out = out.replaceAll(lit, REDACTED)
  }
  return out
}

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

function redactExchangeWith(ex: HttpExchange, literals: readonly string[]): ReportExchange {
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

function redactFindingWith(f: Finding, literals: readonly string[]): Finding {
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

function redactParams(
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
function redactJson(value: unknown, literals: readonly string[], depth = 0): unknown {
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
function redactClaims(claims: Record<string, unknown>, literals: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(claims)) {
    if (k === 'nonce' && v !== undefined && v !== null) out[k] = REDACTED
    else out[k] = scrubStrings(v, literals, 0)
  }
  return out
}

function scrubStrings(value: unknown, literals: readonly string[], depth: number): unknown {
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

/**
 * Every secret value the snapshot knows, to be scrubbed wherever it appears: code, verifier, state,
 * nonce, callback secrets, opaque tokens and refresh tokens of token responses, JWT signatures.
 * Add the client secret (kept apart from the snapshot) and its Basic-auth encodings.
 */
export function knownSecrets(snapshot: FlowSnapshot, clientSecret = ''): string[] {
  const out: string[] = []
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v) out.push(v)
  }
  add(snapshot.code)
  add(snapshot.pkce?.code_verifier)
  add(snapshot.authorization?.state)
  add(snapshot.authorization?.nonce)
  for (const [k, v] of snapshot.callback?.params ?? []) if (classifyKey(k) !== 'keep') add(v)
  for (const [k, v] of snapshot.authorization?.params ?? []) if (classifyKey(k) !== 'keep') add(v)
  for (const [k, v] of snapshot.config.extra_params ?? []) if (classifyKey(k) !== 'keep') add(v)
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

// ---------------------------------------------------------------------------------------------
// Verdict

const TOKEN_STEPS = new Set(['token', 'tokens'])
/** Findings about reaching the endpoint rather than about what it answered. */
const TRANSPORT_IDS = new Set([
  'cors-blocked',
  'endpoint-unreachable',
  'request-timeout',
  'aborted',
  'preflight-failed',
])
const CLIENT_SPECIFIC_IDS = new Set([
  ...TRANSPORT_IDS,
  'state-mismatch',
  'state-missing',
  'state-unexpected',
  'no-pending-flow',
  'playground-bug',
  'response-in-fragment',
])
const CLIENT_SPECIFIC_ERRORS = new Set([
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'invalid_request',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  'unsupported_response_type',
])

/**
 * Whether a check is about this client (redirect URI, client authentication, CORS, the browser's
 * network path) or intrinsic to the authorization server (metadata, token response shape, ID Token,
 * iss, resource). A playground result for a client-specific check does not predict another client.
 */
export function findingScope(f: Finding): 'client-specific' | 'as-intrinsic' {
  if (f.step === 'configure' || CLIENT_SPECIFIC_IDS.has(f.id)) return 'client-specific'
  if (f.id === 'token-request-rejected' || f.id === 'authorization-error' || f.id === 'oauth-error-response') {
    const e = f.data?.error
    if (typeof e === 'string' && CLIENT_SPECIFIC_ERRORS.has(e)) return 'client-specific'
  }
  return 'as-intrinsic'
}

function isProblem(f: Finding): boolean {
  return f.severity === 'error' || f.severity === 'warning'
}

function cite(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.id} (“${f.title}”)`).join('; ')
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)]
}

function lastTokenResponse(
  snapshot: FlowSnapshot,
): { status: number; body?: Record<string, unknown>; pasted: boolean } | undefined {
  const exchanges = (snapshot.exchanges ?? []).filter((e) => e.step === 'token')
  const withResponse = [...exchanges].reverse().find((e) => e.response && e.response.type !== 'opaque')
  const pasted = withResponse?.response?.type === 'pasted'
  if (snapshot.token) {
    const body = snapshot.token.body ?? parseJsonObject(withResponse?.response?.body)
    return { status: snapshot.token.status, ...(body ? { body } : {}), pasted }
  }
  if (withResponse?.response) {
    const body = parseJsonObject(withResponse.response.body)
    return { status: withResponse.response.status, ...(body ? { body } : {}), pasted }
  }
  return undefined
}

const C_ADVICE =
  'Everything checked is conformant from this browser. If a server-side client such as ChatGPT still fails, look at that client’s logs and at WAF / IP / bot rules: a browser cannot see those. The AS-intrinsic checks (metadata, token response shape, ID Token, iss, resource) carry over to any client; the client-specific ones (redirect URI, client authentication, CORS) were made with this playground’s registration and origin, so check that client’s registered redirect URI and authentication method separately.'

/**
 * Where to look next, from the token exchange outcome and the findings. Info findings never count;
 * transport findings (CORS, unreachable) do not make a token response non-conformant when the
 * response was obtained another way (pasted back from curl).
 */
export function computeVerdict(snapshot: FlowSnapshot): Verdict {
  const v = baseVerdict(snapshot)
  // Endpoints other than the issuer's own (typed, or set by a link): the results describe another
  // server, so the verdict names them and is never C.
  const overridden = (snapshot.findings ?? []).filter((f) => f.id === 'endpoint-overridden' && isProblem(f))
  if (!overridden.length) return v
  const named = ` Not the issuer’s own endpoints: ${cite(overridden)}.`
  if (v.scenario !== 'C') {
    return {
      ...v,
      summary: `${v.summary}${named}`,
      findingIds: unique([...overridden.map((f) => f.id), ...v.findingIds]),
    }
  }
  return {
    scenario: 'B',
    title: 'The exchange worked, but with endpoints the issuer does not name',
    summary: `The token exchange succeeded, but not with the endpoints the issuer’s metadata names, so this result does not describe the issuer’s server.${named} Clear the endpoint fields (or correct the metadata) and run the flow again for a verdict on the issuer itself.`,
    findingIds: unique([...overridden.map((f) => f.id), ...v.findingIds]),
  }
}

function baseVerdict(snapshot: FlowSnapshot): Verdict {
  const findings = snapshot.findings ?? []
  const status = snapshot.status ?? {}
  const tokenStepFindings = findings.filter((f) => f.step === 'token')
  const reached =
    snapshot.codeUsed === true ||
    snapshot.token !== undefined ||
    (snapshot.exchanges ?? []).some((e) => e.step === 'token') ||
    tokenStepFindings.length > 0 ||
    status.token === 'ok' ||
    status.token === 'warning' ||
    status.token === 'error'

  if (!reached) {
    const order = STEPS.map((s) => s.id)
    const failedStep = order.find((id) => status[id] === 'error')
    const errors = findings.filter((f) => f.severity === 'error')
    const stepErrors = failedStep ? errors.filter((f) => f.step === failedStep) : []
    const cited = stepErrors.length ? stepErrors : errors
    const lastReached = [...order].reverse().find((id) => status[id] && status[id] !== 'pending')
    const where = failedStep
      ? `The flow failed at the ${failedStep} step and never reached the token exchange.`
      : `The flow stopped before the token exchange${lastReached ? ` (last step reached: ${lastReached})` : ''}.`
    return {
      scenario: 'incomplete',
      title: 'The flow did not reach the token exchange',
      summary: `${where}${cited.length ? ` Errors: ${cite(cited)}.` : ' No error was recorded.'} Fix these and run the flow to the end to get a verdict on the token exchange.`,
      findingIds: unique(cited.map((f) => f.id)),
    }
  }

  const tokenFindings = findings.filter((f) => TOKEN_STEPS.has(String(f.step)))
  const response = lastTokenResponse(snapshot)
  const httpStatus = response?.status ?? 0
  const success = httpStatus >= 200 && httpStatus < 300

  if (!success) {
    const errors = tokenStepFindings.filter((f) => f.severity === 'error')
    const cited = errors.length ? errors : tokenStepFindings.filter(isProblem)
    const what =
      httpStatus === 0
        ? 'no readable response came back (blocked, unreachable or never sent)'
        : `the token endpoint answered HTTP ${httpStatus}`
    const clientSide = cited.filter((f) => findingScope(f) === 'client-specific')
    const note =
      cited.length > 0 && clientSide.length === cited.length
        ? ' These are client-specific: they concern this playground’s registration, redirect URI, authentication or origin, not necessarily another client.'
        : cited.some((f) => f.id === 'cors-blocked')
          ? ' A server-side client is not subject to CORS: run the curl command and paste the response back to see what the server answered.'
          : ''
    return {
      scenario: 'A',
      title: 'The token exchange failed',
      summary: `The token exchange failed: ${what}.${cited.length ? ` Findings: ${cite(cited)}.` : ''} Fix the client configuration, PKCE, the redirect URI or CORS.${note}`,
      findingIds: unique(cited.map((f) => f.id)),
    }
  }

  const problems = tokenFindings.filter((f) => isProblem(f) && !TRANSPORT_IDS.has(f.id))
  const accessToken = response?.body?.access_token
  const hasAccessToken = typeof accessToken === 'string' && accessToken !== ''
  const via = response?.pasted ? ' (response pasted back from curl)' : ''
  if (problems.length || !hasAccessToken) {
    const missing = hasAccessToken ? '' : ' The response has no access_token.'
    return {
      scenario: 'B',
      title: 'The token response or the tokens break the spec or strict clients’ expectations',
      summary: `The token endpoint answered HTTP ${httpStatus}${via}, but the response or the tokens are not what a strict client accepts.${missing}${problems.length ? ` Findings: ${cite(problems)}.` : ''} Fix the token response.`,
      findingIds: unique(problems.map((f) => f.id)),
    }
  }

  const transport = tokenFindings.filter((f) => TRANSPORT_IDS.has(f.id) && isProblem(f))
  const elsewhere = findings.filter((f) => !TOKEN_STEPS.has(String(f.step)) && isProblem(f))
  let extra = ''
  if (transport.length) {
    extra += ` From this browser the exchange itself was hindered: ${cite(transport)} (client-specific).`
  }
  if (elsewhere.length) {
    const asSide = elsewhere.filter((f) => findingScope(f) === 'as-intrinsic')
    const clientSide = elsewhere.filter((f) => findingScope(f) === 'client-specific')
    if (asSide.length)
      extra += ` Earlier steps still report AS-intrinsic problems that strict clients may reject: ${cite(asSide)}.`
    if (clientSide.length) extra += ` Earlier steps report client-specific problems: ${cite(clientSide)}.`
  }
  return {
    scenario: 'C',
    title: 'The token exchange and the tokens are conformant from this browser',
    summary: `The token endpoint answered HTTP ${httpStatus}${via} with an access token, and the token response and tokens raised no error or warning. ${C_ADVICE}${extra}`,
    findingIds: unique([...transport, ...elsewhere].map((f) => f.id)),
  }
}

// ---------------------------------------------------------------------------------------------
// Building the report

function reportStatus(s: StepStatus | undefined): ReportStepStatus {
  switch (s) {
    case 'ok':
    case 'warning':
    case 'error':
    case 'skipped':
      return s
    default:
      return 'skipped'
  }
}

function derivedStatus(findings: readonly Finding[], exchanges: readonly unknown[]): ReportStepStatus {
  if (findings.some((f) => f.severity === 'error')) return 'error'
  if (findings.some((f) => f.severity === 'warning')) return 'warning'
  return exchanges.length || findings.length ? 'ok' : 'skipped'
}

function reportTokens(
  body: Record<string, unknown> | undefined,
  literals: readonly string[],
): ReportToken[] | undefined {
  if (!body) return undefined
  const kinds: TokenKind[] = ['id_token', 'access_token', 'refresh_token']
  const out: ReportToken[] = []
  for (const kind of kinds) {
    const raw = body[kind]
    if (typeof raw !== 'string' || !raw) continue
    const d = decodeToken(raw)
    const t: ReportToken = { kind, format: d.format, length: raw.length }
    if (kind === 'refresh_token') {
      t.note = 'A refresh token is a credential: its content is never included in a report.'
    } else if (d.format === 'jwt') {
      t.header = scrubStrings(d.header, literals, 0) as Record<string, unknown>
      t.claims = redactClaims(d.payload, literals)
    } else if (d.format === 'jwe') {
      if (d.header) t.header = scrubStrings(d.header, literals, 0) as Record<string, unknown>
      t.note = 'Encrypted (JWE): only the protected header is shown.'
    } else {
      t.note = redactWith(d.reason, literals)
    }
    out.push(t)
  }
  return out.length ? out : undefined
}

function redactConfig(c: FlowConfig, literals: readonly string[]): FlowConfig {
  return {
    issuer: redactWith(c.issuer, literals),
    authorization_endpoint: redactWith(c.authorization_endpoint, literals),
    token_endpoint: redactWith(c.token_endpoint, literals),
    jwks_uri: redactWith(c.jwks_uri, literals),
    userinfo_endpoint: redactWith(c.userinfo_endpoint, literals),
    client_id: c.client_id,
    client_auth: c.client_auth,
    scope: redactWith(c.scope, literals),
    redirect_uri: redactWith(c.redirect_uri, literals),
    resource: redactWith(c.resource, literals),
    extra_params: redactParams(c.extra_params, literals),
    allow_insecure_loopback: c.allow_insecure_loopback,
  }
}

/**
 * The report of a flow, redacted. Steps come in `STEPS` order, then `extraSteps`, then any other
 * step named by an exchange or a finding. Statuses pending and running are reported as skipped.
 */
export function buildReport(snapshot: FlowSnapshot, opts: BuildReportOptions): Report {
  const literals = prepareLiterals([...knownSecrets(snapshot, opts.clientSecret ?? ''), ...(opts.secrets ?? [])])
  const findings = (snapshot.findings ?? []).map((f) => redactFindingWith(f, literals))
  const exchanges = (snapshot.exchanges ?? []).map((e) => redactExchangeWith(e, literals))

  const flowSteps = stepsFor(Boolean(snapshot.config?.mcp_url))
  const ids: string[] = flowSteps.map((s) => s.id)
  const titles = new Map<string, string>(flowSteps.map((s) => [s.id, s.title]))
  const extraStatus = new Map<string, StepStatus | undefined>()
  for (const s of opts.extraSteps ?? []) {
    if (!ids.includes(s.id)) ids.push(s.id)
    if (s.title) titles.set(s.id, s.title)
    extraStatus.set(s.id, s.status)
  }
  for (const x of [...exchanges, ...findings]) {
    const id = String(x.step)
    if (!ids.includes(id)) ids.push(id)
  }
  const known = new Set<string>(STEPS.map((s) => s.id))
  const steps: ReportStep[] = ids.map((id) => {
    const stepExchanges = exchanges.filter((e) => e.step === id)
    const stepFindings = findings.filter((f) => f.step === id)
    const raw = known.has(id) ? snapshot.status?.[id as StepId] : extraStatus.get(id)
    const status = raw !== undefined ? reportStatus(raw) : derivedStatus(stepFindings, stepExchanges)
    return {
      id,
      title: titles.get(id) ?? id,
      status,
      exchanges: stepExchanges,
      findingIds: stepFindings.map((f) => f.id),
    }
  })

  const verdict = computeVerdict(snapshot)
  const report: Report = {
    tool: REPORT_TOOL,
    version: opts.version,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    origin: snapshot.origin,
    config: redactConfig(snapshot.config, literals),
    steps,
    findings,
    verdict: {
      scenario: verdict.scenario,
      title: redactWith(verdict.title, literals),
      summary: redactWith(verdict.summary, literals),
      findingIds: verdict.findingIds,
    },
  }
  if (snapshot.metadata) report.metadata = redactJson(snapshot.metadata, literals) as Record<string, unknown>
  if (snapshot.pkce) {
    report.pkce = { method: snapshot.pkce.method, code_challenge: snapshot.pkce.code_challenge }
  }
  if (snapshot.authorization) {
    report.authorization = {
      url: redactWith(snapshot.authorization.url, literals),
      params: redactParams(snapshot.authorization.params, literals),
    }
  }
  if (snapshot.callback) {
    report.callback = {
      outcome: snapshot.callback.outcome,
      params: redactParams(snapshot.callback.params, literals),
    }
  }
  const tokenBody = snapshot.token?.body
  const tokens = reportTokens(tokenBody, literals)
  if (tokens) report.tokens = tokens
  return report
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** A code fence longer than any backtick run inside `text`. */
function fence(lang: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const f = '`'.repeat(longest + 1)
  return `${f}${lang}\n${text.replace(/\n+$/, '')}\n${f}`
}

/**
 * A table cell holding a value as inline code: inert whatever it contains (markup, links, images),
 * on one line, with pipes escaped so that it cannot leave its cell (GFM turns `\|` back into `|`
 * inside a table cell, code spans included).
 */
function cell(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value)
  if (s === '' || s === undefined) return '—'
  return code(oneLine(s)).replaceAll('|', '\\|')
}

/** Inline code, safe for any content (a backtick fence longer than any backtick run inside). */
function code(value: string): string {
  const v = oneLine(value)
  const longest = Math.max(0, ...[...v.matchAll(/`+/g)].map((m) => m[0].length))
  const f = '`'.repeat(longest + 1)
  const pad = v.startsWith('`') || v.endsWith('`') || v.startsWith(' ') || v === '' ? ' ' : ''
  return `${f}${pad}${v}${pad}${f}`
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').trim()
}

// URLs, www. names and e-mail addresses, which GFM would turn into live links even without brackets.
const AUTOLINKABLE = /(?:\b[A-Za-z][A-Za-z0-9+.-]*:\/\/|\bwww\.)[^\s]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g
// Characters that can open an inline Markdown or HTML construct anywhere in a line: links and images
// ([ ! ), HTML and autolinks (<), emphasis (* and _ not inside a word), code (`), strikethrough (~),
// table cells (|), and the escape character itself. An escaped character is always literal.
const MARKDOWN_INLINE = /[\\`*[\]<>!|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g
// What makes a block when it starts a line: a heading, a quote, a list item, a thematic break.
const MARKDOWN_LINE_START = /^(?:[#>+=-]|\d+[.)])/

function escapeInline(text: string): string {
  return text.replace(MARKDOWN_INLINE, '\\$&')
}

/**
 * Prose that may contain server text (finding texts quote error_description, claims, URLs), made
 * inert: every character that could start a link, an image, HTML, emphasis, code or a table cell is
 * backslash-escaped, a line start that would make a heading, quote or list is escaped, and URLs and
 * e-mail addresses become inline code (GFM links them even without brackets). Rendered, it reads as
 * written; nothing in it becomes a link, an image, markup or one of the report's own headings.
 */
function inert(text: string): string {
  const s = oneLine(String(text ?? ''))
  let out = ''
  let last = 0
  for (const m of s.matchAll(AUTOLINKABLE)) {
    const at = m.index ?? 0
    out += escapeInline(s.slice(last, at)) + code(m[0])
    last = at + m[0].length
  }
  out += escapeInline(s.slice(last))
  return MARKDOWN_LINE_START.test(out) ? `\\${out}` : out
}

function readableBody(body: string, truncated: boolean): string {
  let text = body
  const t = body.trim()
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      text = JSON.stringify(JSON.parse(t), null, 2)
    } catch {
      text = body
    }
  }
  let note = truncated ? '\n… [the recording was cut at the recording limit]' : ''
  if (text.length > MARKDOWN_BODY_LIMIT) {
    note = `\n… [${text.length - MARKDOWN_BODY_LIMIT} more characters; see the JSON report]${truncated ? ' [the recording itself was cut too]' : ''}`
    text = text.slice(0, MARKDOWN_BODY_LIMIT)
  }
  return text + note
}

function requestBlock(req: RecordedRequest): string {
  const lines = [`${req.method} ${req.url}`]
  for (const [k, v] of req.headers) lines.push(`${k}: ${v}`)
  for (const [k, v] of req.browserAdded) if (k === 'origin') lines.push(`${k}: ${v}`)
  if (req.body) lines.push('', readableBody(req.body, false))
  return fence('http', lines.join('\n'))
}

function responseBlock(res: RecordedResponse): string {
  const lines = [`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`]
  for (const [k, v] of res.headers) lines.push(`${k}: ${v}`)
  if (res.body) lines.push('', readableBody(res.body, res.bodyTruncated))
  return fence('http', lines.join('\n'))
}

const SEVERITY_TITLES: Array<[Finding['severity'], string]> = [
  ['error', 'Errors'],
  ['warning', 'Warnings'],
  ['info', 'Information'],
]

/**
 * The report as Markdown for a support ticket or an issue. Built from the (already redacted)
 * report, so it contains nothing the JSON report does not.
 */
export function reportToMarkdown(r: Report): string {
  const out: string[] = []
  out.push(`# PKCE Playground report`, '')
  out.push(`Generated ${r.generatedAt} by ${r.tool} ${r.version}, from the page origin ${code(r.origin)}.`)
  out.push(
    'Secrets are redacted: code, code_verifier, client secret, refresh token, token signatures, state and nonce.',
    '',
  )

  out.push(
    `## Verdict: ${r.verdict.scenario === 'incomplete' ? 'incomplete' : `scenario ${r.verdict.scenario}`} — ${inert(r.verdict.title)}`,
    '',
  )
  out.push(inert(r.verdict.summary), '')

  out.push('## Configuration', '', '| Setting | Value |', '|---|---|')
  const c = r.config
  const rows: Array<[string, unknown]> = [
    ['issuer', c.issuer],
    ['authorization_endpoint', c.authorization_endpoint],
    ['token_endpoint', c.token_endpoint],
    ['jwks_uri', c.jwks_uri],
    ['userinfo_endpoint', c.userinfo_endpoint],
    ['client_id', c.client_id],
    ['client authentication', c.client_auth],
    ['scope', c.scope],
    ['redirect_uri', c.redirect_uri],
    ['resource', c.resource],
    ['allow insecure loopback', c.allow_insecure_loopback ? 'yes' : 'no'],
  ]
  for (const [k, v] of c.extra_params) rows.push(['extra parameter', `${k}=${v}`])
  if (r.pkce) rows.push(['PKCE', `${r.pkce.method}, code_challenge ${r.pkce.code_challenge}`])
  for (const [k, v] of rows) out.push(`| ${inert(k)} | ${cell(v)} |`)
  out.push('')

  if (r.authorization) {
    out.push('## Authorization request', '', fence('text', r.authorization.url), '')
  }
  if (r.callback) {
    out.push(`## Callback (${inert(r.callback.outcome)})`, '', '| Parameter | Value |', '|---|---|')
    for (const [k, v] of r.callback.params) out.push(`| ${cell(k)} | ${cell(v)} |`)
    out.push('')
  }

  out.push('## Findings', '')
  if (!r.findings.length) out.push('No findings.', '')
  for (const [severity, heading] of SEVERITY_TITLES) {
    const list = r.findings.filter((f) => f.severity === severity)
    if (!list.length) continue
    out.push(`### ${heading} (${list.length})`, '')
    for (const f of list) {
      out.push(`- **${code(f.id)}** (step ${code(String(f.step))}): ${inert(f.title)}`)
      if (f.detail) out.push(`  - ${inert(f.detail)}`)
      if (f.fix) out.push(`  - Fix: ${inert(f.fix)}`)
      if (f.spec) out.push(`  - Spec: ${inert(f.spec)}`)
      out.push(`  - Scope: ${findingScope(f)}`)
    }
    out.push('')
  }

  out.push('## Steps', '')
  for (const s of r.steps) {
    out.push(`### ${inert(s.title)} (${code(String(s.id))}): ${s.status}`, '')
    if (s.findingIds.length) out.push(`Findings: ${s.findingIds.map(code).join(', ')}`, '')
    for (const ex of s.exchanges) {
      const cors = ex.cors === 'readable' || ex.cors === 'not-checked' ? '' : `, CORS: ${ex.cors}`
      out.push(`#### ${inert(ex.label)} (${ex.durationMs} ms${cors})`, '')
      out.push(requestBlock(ex.request), '')
      if (ex.response) out.push(responseBlock(ex.response), '')
      if (ex.error) out.push(`Request failed: ${code(`${ex.error.name}: ${ex.error.message}`)}`, '')
      if (ex.corsDetail) out.push(inert(ex.corsDetail), '')
    }
  }

  if (r.tokens?.length) {
    out.push('## Tokens', '')
    out.push('Decoded header and claims only; signatures and refresh tokens are never included.', '')
    for (const t of r.tokens) {
      out.push(`### ${t.kind} (${t.format}, ${t.length} chars)`, '')
      if (t.note) out.push(inert(t.note), '')
      if (t.header) out.push('Header:', '', fence('json', JSON.stringify(t.header, null, 2)), '')
      if (t.claims) out.push('Claims:', '', fence('json', JSON.stringify(t.claims, null, 2)), '')
    }
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}
