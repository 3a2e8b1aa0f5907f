// What the linters share: throw-proof readers of the recorded response and of JSON, server text
// quoted as plain text, the token lint context and the over-the-size-cap finding.
import type { ClientAuthMethod, Finding, RecordedResponse, StepRef } from '../../model/types'
import { MAX_RECORDED_BODY } from '../../platform/recorder'
import { finding } from '../finding'

export type FindingData = NonNullable<Finding['data']>

const TEXT_MAX = 300

/** Server text as plain, single-line text, at most 300 characters (no quotes added). */
export function plain(value: unknown, max = TEXT_MAX): string {
  let text: string
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  } catch {
    text = '[unprintable value]'
  }
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** Server text quoted for a sentence: "…". */
export function quote(value: unknown, max = TEXT_MAX): string {
  return `"${plain(value, max)}"`
}

/** A JSON value as short text, e.g. `"3600"` (a string) vs `3600` (a number). */
export function showJson(value: unknown, max = 120): string {
  if (value === undefined) return 'undefined'
  try {
    return plain(JSON.stringify(value) ?? String(value), max)
  } catch {
    return '[unprintable value]'
  }
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

/** A response header (names are recorded lower-case); several entries are joined with ", ". */
export function header(res: RecordedResponse, name: string): string | undefined {
  const list = Array.isArray(res.headers) ? res.headers : []
  const values = list
    .filter((h) => Array.isArray(h) && typeof h[0] === 'string' && h[0].toLowerCase() === name)
    .map((h) => String(h[1]))
  return values.length ? values.join(', ') : undefined
}

/** The media type essence: "application/json; charset=utf-8" → "application/json". */
export function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

type BodyFormat = 'json' | 'invalid-json' | 'html' | 'form' | 'text' | 'empty'

export interface ParsedBody {
  format: BodyFormat
  json?: unknown
  /** For HTML: the <title>, if any. */
  htmlTitle?: string
  /** For form-encoded: the parameter names. */
  formKeys?: string[]
  formError?: string
}

export function parseBody(body: unknown, contentType: string | undefined): ParsedBody {
  const text = typeof body === 'string' ? body : ''
  const trimmed = text.trim()
  if (trimmed === '') return { format: 'empty' }
  try {
    return { format: 'json', json: JSON.parse(text) as unknown }
  } catch {
    // not JSON: classify below
  }
  const ct = essence(contentType)
  if (
    ct === 'text/html' ||
    ct === 'application/xhtml+xml' ||
    /^<(!doctype|html|head|body|\?xml|!--|[a-z])/i.test(trimmed)
  ) {
    const m = /<title[^>]*>([^<]{0,400})/i.exec(trimmed)
    const title = m?.[1]?.trim()
    return { format: 'html', ...(title ? { htmlTitle: title } : {}) }
  }
  if (ct === 'application/x-www-form-urlencoded' || /^[\w.~%+-]+=[^&\s]*(&[\w.~%+-]+=[^&\s]*)*$/.test(trimmed)) {
    try {
      const params = new URLSearchParams(trimmed)
      const keys = [...new Set([...params.keys()])].slice(0, 20)
      if (keys.length > 0) {
        const formError = params.get('error') ?? undefined
        return { format: 'form', formKeys: keys, ...(formError !== undefined ? { formError } : {}) }
      }
    } catch {
      // fall through
    }
  }
  if (ct === 'application/json' || ct.endsWith('+json') || /^[[{]/.test(trimmed)) {
    return { format: 'invalid-json' }
  }
  return { format: 'text' }
}

export const STRICT = 'Strict clients (for example the ChatGPT and Claude connectors and schema-validating MCP SDKs)'

/** Context of {@link lintTokenResponse}. */
export interface TokenLintContext {
  /** Step of the findings; default "token". */
  step?: StepRef
  /** The scope sent in the authorization request (space-separated), to compare with `scope`. */
  requestedScope?: string
  /** True when `openid` was requested: an `id_token` is then REQUIRED. */
  openid?: boolean
  /** How the client authenticated; `client_secret_basic` means an Authorization header was sent. */
  clientAuth?: ClientAuthMethod
}

/** Bytes as "312 KiB" / "10.0 MiB". */
function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
  return `${Math.round(bytes / 1024)} KiB`
}

/**
 * A response over the playground's size cap ({@link MAX_RECORDED_BODY}): what happened (its size,
 * the cap), its first bytes, and that the rest was not parsed — never reported as "not JSON".
 */
export function responseTooLarge(res: RecordedResponse, step: StepRef, what: string): Finding {
  const size = typeof res.bodySize === 'number' ? res.bodySize : res.body.length
  return finding('response-too-large', 'error', step, {
    title: `${what} is ${formatSize(size)}, over the playground’s ${formatSize(MAX_RECORDED_BODY)} limit`,
    detail: `The body is ${size} bytes (HTTP ${res.status}, ${quote(header(res, 'content-type') ?? 'no content-type', 80)}). The playground reads at most ${MAX_RECORDED_BODY} bytes of a response, so it did not parse this one and shows no tokens from it. Its first bytes: ${quote(res.body.slice(0, 200), 200)}. An OAuth response is a small JSON object of a few kilobytes; one this large is a wrong URL (a file or a page), a stream that never ends, or padding meant to exhaust clients. Other clients and proxies cap response sizes too (JSON parsers may limit the size of texts they accept).`,
    fix: 'Check that the URL is the real endpoint and that it answers with a small JSON object (no padding, no embedded files).',
    spec: 'RFC 6749 §5.1; RFC 8259 §9',
    data: { size, cap: MAX_RECORDED_BODY, head: plain(res.body.slice(0, 120), 120) },
  })
}
