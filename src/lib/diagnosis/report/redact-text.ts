// Redaction of text: which keys name secrets, and the scan that removes secrets from any string (known
// literals in every encoding, key=value pairs, JSON pairs, form inputs, Authorization headers, JWTs).
import { decodeToken } from '../../platform/jwt-decode'
import { containsLiteral, literalVariants, safeDecode } from '../../platform/secrets'

/** What replaces a removed value. */
export const REDACTED = '[redacted]'
const SIGNATURE_REDACTED = '[signature redacted]'

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

export function redactByClass(cls: KeyClass, value: string): string {
  if (cls === 'secret') return value === '' ? value : REDACTED
  if (cls === 'token') return redactToken(value)
  return value
}

const MIN_LITERAL = 6

/** Prepares a list of secret literals for {@link redactText}: variants, longest first. */
export function prepareLiterals(secrets: readonly string[] | undefined): string[] {
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

export function redactWith(text: string, literals: readonly string[]): string {
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
