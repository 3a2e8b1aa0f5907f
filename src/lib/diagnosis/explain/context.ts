// What every explainer shares: the caller's context (step, operation, URL) read once, throw-proof
// property readers, evidence (`data`) and the wording of endpoints and spec sections.
import type { StepRef } from '../../model/types'
import { clip } from '../../platform/text'
import { isStepRef } from '../../model/steps'

/** Where the error happened; used for the finding's `step` and in its wording. */
export interface ExplainContext {
  step: StepRef
  /**
   * Which endpoint/operation failed, used in wording: 'discovery' | 'token' | 'jwks' | 'callback' |
   * 'userinfo' | 'registration' | 'resource' | 'revocation' | 'introspection' | 'par' | 'id-token'…
   * When absent it is derived from `step`.
   */
  operation?: string
  /** The endpoint URL involved, if any (shown in text). */
  url?: string
}

type DataValue = string
type Data = Record<string, DataValue>

const DATA_MAX = 300
const SERVER_TEXT_MAX = 500

/** Reads a property; getters that throw and non-objects yield undefined. */
export function get(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined
  try {
    return (obj as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

export function getString(obj: unknown, key: string): string | undefined {
  const v = get(obj, key)
  return typeof v === 'string' ? v : undefined
}

export function getNumber(obj: unknown, key: string): number | undefined {
  const v = get(obj, key)
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function isInstance(value: unknown, ctor: unknown): boolean {
  try {
    return typeof ctor === 'function' && value instanceof (ctor as new () => unknown)
  } catch {
    return false
  }
}

/** Any value as short plain text (JSON for objects), never throwing. */
export function show(value: unknown, max = DATA_MAX): string {
  try {
    if (typeof value === 'string') return clip(value, max)
    if (value === undefined) return 'undefined'
    if (typeof value === 'bigint') return clip(`${value.toString()}n`, max)
    if (typeof value === 'symbol' || typeof value === 'function') return clip(String(value), max)
    if (isInstance(value, URL)) return clip(String(get(value, 'href')), max)
    const json = JSON.stringify(value)
    return clip(typeof json === 'string' ? json : String(value), max)
  } catch {
    return '[unprintable value]'
  }
}

/** Untrusted server text: plain, single-line, control characters removed, capped. */
function serverText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
  return clip(plain, SERVER_TEXT_MAX)
}

/** A sentence quoting an error_description, labelled as server-supplied. */
export function quoteDescription(description: string | undefined): string {
  if (description === undefined || description.trim() === '') return ''
  return ` Text supplied by the server (error_description): "${serverText(description)}".`
}

export function libraryText(message: string | undefined, code: string | undefined): string {
  const parts: string[] = []
  if (message) parts.push(`"${clip(message)}"`)
  if (code) parts.push(`(${code})`)
  return parts.length ? ` Library message: ${parts.join(' ')}.` : ''
}

export function data(entries: Record<string, unknown>): Data {
  const out: Data = {}
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined || value === null || value === '') continue
    out[key] = show(value)
  }
  return out
}

export interface Ctx {
  step: StepRef
  op: string
  url: string | undefined
}

/** Reads the caller's context once, defensively. */
export function readContext(ctx: unknown): Ctx {
  const given = getString(ctx, 'step')
  const step: StepRef = given !== undefined && isStepRef(given) ? given : 'configure'
  const url = getString(ctx, 'url')
  const op = getString(ctx, 'operation') ?? STEP_TO_OPERATION[step] ?? step
  return { step, op, url: url === undefined ? undefined : clip(url) }
}

const STEP_TO_OPERATION: Record<string, string> = {
  configure: 'configure',
  discovery: 'discovery',
  pkce: 'pkce',
  authorization: 'authorization',
  callback: 'callback',
  token: 'token',
  tokens: 'id-token',
}

const OPERATION_LABELS: Record<string, string> = {
  discovery: 'the metadata (discovery) endpoint',
  metadata: 'the metadata (discovery) endpoint',
  token: 'the token endpoint',
  refresh: 'the token endpoint',
  jwks: 'the JWKS endpoint (jwks_uri)',
  userinfo: 'the UserInfo endpoint',
  registration: 'the registration endpoint',
  dcr: 'the registration endpoint',
  resource: 'the protected resource metadata endpoint',
  prm: 'the protected resource metadata endpoint',
  revocation: 'the revocation endpoint',
  introspection: 'the introspection endpoint',
  par: 'the pushed authorization request endpoint',
  callback: 'the authorization response (callback)',
  authorization: 'the authorization request',
  'id-token': 'the ID Token',
}

/** "the token endpoint (https://…)"; without the URL for titles. */
export function endpointLabel(c: Ctx, withUrl = true): string {
  const label = Object.hasOwn(OPERATION_LABELS, c.op) ? OPERATION_LABELS[c.op] : undefined
  const base = label ?? (c.op && c.op !== 'unknown' ? `the ${clip(c.op, 40)} request` : 'the server')
  return c.url && withUrl ? `${base} (${c.url})` : base
}

export function isTokenOp(c: Ctx): boolean {
  return c.op === 'token' || c.op === 'refresh'
}

export function isRegistrationOp(c: Ctx): boolean {
  return c.op === 'registration' || c.op === 'dcr'
}

export function specForOperation(c: Ctx): string {
  switch (c.op) {
    case 'discovery':
    case 'metadata':
      return 'RFC 8414 §3.2; OpenID Connect Discovery 1.0 §4.2'
    case 'token':
    case 'refresh':
      return 'RFC 6749 §5.1, §5.2; OpenID Connect Core 1.0 §3.1.3.3, §3.1.3.4'
    case 'jwks':
      return 'RFC 7517 §5; RFC 8414 §2 (jwks_uri)'
    case 'userinfo':
      return 'OpenID Connect Core 1.0 §5.3.2, §5.3.3'
    case 'registration':
    case 'dcr':
      return 'RFC 7591 §3.2.1, §3.2.2'
    case 'resource':
    case 'prm':
      return 'RFC 9728 §3.2'
    case 'revocation':
      return 'RFC 7009 §2.2'
    case 'introspection':
      return 'RFC 7662 §2.2'
    default:
      return 'RFC 6749 §5.1, §5.2'
  }
}

export function capitalise(text: string): string {
  return text.length ? text[0]!.toUpperCase() + text.slice(1) : text
}
