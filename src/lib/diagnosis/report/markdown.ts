// reportToMarkdown: the report as inert Markdown for a support ticket or an issue; server text never
// becomes a link, an image, HTML or a heading.
import type { Finding, RecordedRequest, RecordedResponse } from '../../model/types'
import type { Report } from './types'
import { findingScope } from './verdict'

/** Body size shown per exchange in the Markdown report (the JSON report keeps the recording). */
export const MARKDOWN_BODY_LIMIT = 4096

/** A code fence longer than any backtick run inside `text`. */
function fence(lang: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const f = '`'.repeat(longest + 1)
  return `${f}${lang}\n${text.replace(/\n+$/, '')}\n${f}`
}

/**
 * A table cell holding a value as inline code: inert whatever it contains (markup, links, images),
 * on one line, with pipes escaped so that it cannot leave its cell (GFM turns `\|` back into `|`
 * inside a table cell, code spans included). Backslashes right before a pipe are doubled first: GFM
 * splits a row where a pipe follows an escaped backslash, so `\|` from a server would otherwise
 * become `\\|`, end the cell and let the rest be read as Markdown (a live link).
 */
function cell(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value)
  if (s === '' || s === undefined) return '—'
  return code(oneLine(s)).replace(/(\\*)\|/g, (_m, slashes: string) => `${slashes}${slashes}\\|`)
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
