/**
 * Paste-back: when the browser could not read a response (CORS, network), the user runs the curl
 * command shown and pastes what came back. This turns the pasted text into a `RecordedResponse`
 * so that the same linters and token decoding run on it. Pure; never throws.
 *
 * @see [RFC 9110 §15 - Status codes](https://www.rfc-editor.org/rfc/rfc9110.html#section-15)
 * @see [RFC 9112 §4 - Status line](https://www.rfc-editor.org/rfc/rfc9112.html#section-4)
 */
import { MAX_RECORDED_BODY } from '../platform/recorder'
import type { HeaderList, RecordedResponse } from '../model/types'

/** Largest paste accepted, in characters. */
export const MAX_PASTE = 2 * 1024 * 1024

export type PasteFormat = 'http' | 'json' | 'body'

export type PasteResult =
  | {
      ok: true
      response: RecordedResponse
      format: PasteFormat
      /** What was assumed or could not be known (shown to the user next to the result). */
      notes: string[]
    }
  | { ok: false; error: string }

const STATUS_LINE = /^HTTP\/(\d(?:\.\d)?)[ \t]+(\d{3})(?:[ \t]+(.*))?$/i
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*:[ \t]*(.*)$/

interface Block {
  status: number
  statusText: string
  headers: HeaderList
  body: string
}

/** Reads one status line + headers block starting at `lines[i]`; returns the index after the blank line. */
function readBlock(lines: string[], start: number): { block: Omit<Block, 'body'>; next: number } | undefined {
  const m = STATUS_LINE.exec((lines[start] ?? '').trim())
  if (!m) return undefined
  const headers: HeaderList = []
  let i = start + 1
  for (; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line.trim() === '') {
      i += 1
      break
    }
    if (/^[ \t]/.test(line) && headers.length) {
      // obs-fold (RFC 9112 §5.2): a continuation of the previous header value.
      const last = headers[headers.length - 1]
      if (last) last[1] = `${last[1]} ${line.trim()}`
      continue
    }
    const h = HEADER_LINE.exec(line)
    if (!h) break // no blank line before the body: treat the rest as the body
    headers.push([(h[1] ?? '').toLowerCase(), (h[2] ?? '').trim()])
  }
  return {
    block: { status: Number(m[2]), statusText: (m[3] ?? '').trim(), headers },
    next: i,
  }
}

/** `curl -v` output: keeps the `< ` response lines and the body, drops `*`, `>` and `{ [` lines. */
function fromVerbose(lines: string[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    if (line.startsWith('< ') || line === '<') out.push(line.slice(2))
    else if (/^(?:\* |\*$|> |>$|[{}] \[)/.test(line)) continue
    else out.push(line)
  }
  return out
}

function parseHttp(text: string): Block | undefined {
  let lines = text.split('\n')
  if (lines.some((l) => /^< HTTP\/\d/.test(l))) lines = fromVerbose(lines)
  const start = lines.findIndex((l) => STATUS_LINE.test(l.trim()))
  if (start < 0) return undefined
  const first = readBlock(lines, start)
  if (!first) return undefined
  let read: { block: Omit<Block, 'body'>; next: number } = first
  // 100 Continue, 103 Early Hints, a proxy's "200 Connection established" and redirects followed
  // with -L all print a block before the final response: take the last one.
  for (;;) {
    let j = read.next
    while (j < lines.length && (lines[j] ?? '').trim() === '') j++
    const again: typeof read | undefined = j < lines.length ? readBlock(lines, j) : undefined
    if (!again) break
    read = again
  }
  const body = lines.slice(read.next).join('\n')
  return { ...read.block, body }
}

function isJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

function capBody(body: string): { body: string; bodyTruncated: boolean } {
  if (body.length > MAX_RECORDED_BODY) return { body: body.slice(0, MAX_RECORDED_BODY), bodyTruncated: true }
  return { body, bodyTruncated: false }
}

function response(
  status: number,
  statusText: string,
  headers: HeaderList,
  body: string,
  url: string,
): RecordedResponse {
  return { status, statusText, type: 'pasted', url, headers, ...capBody(body) }
}

/**
 * Parses what the user pasted: the output of `curl -i` (status line, headers, body; several
 * blocks such as `HTTP/1.1 100 Continue` before the final one are skipped; CRLF or LF; header
 * names lower-cased), a JSON body alone, or any other text (kept as an unparsed body, status 0).
 *
 * @param opts.url The URL the curl command was sent to, recorded as the response URL.
 */
export function parsePastedResponse(text: string, opts: { url?: string } = {}): PasteResult {
  try {
    if (typeof text !== 'string') return { ok: false, error: 'Nothing was pasted.' }
    if (text.length > MAX_PASTE) {
      return {
        ok: false,
        error: `The pasted text is ${(text.length / 1024 / 1024).toFixed(1)} MB; at most 2 MB is accepted. Paste only the response of the token request.`,
      }
    }
    const url = opts.url ?? ''
    const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
    const trimmed = normalized.trim()
    if (!trimmed)
      return {
        ok: false,
        error:
          'Nothing was pasted. Paste the output of the curl command (status line, headers and body) or just the JSON body.',
      }

    const notes: string[] = []
    const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[')
    const firstLine = trimmed.split('\n', 1)[0] ?? ''
    const hasStatusLine = /^(?:< )?HTTP\/\d(?:\.\d)?[ \t]+\d{3}/m.test(trimmed)
    if (hasStatusLine && !(looksJson && isJsonText(trimmed).ok)) {
      const parsed = parseHttp(trimmed)
      if (parsed) {
        if (!STATUS_LINE.test(firstLine.trim()) && !firstLine.startsWith('< ') && !firstLine.startsWith('* ')) {
          notes.push('Text before the first status line (a shell prompt or the command) was ignored.')
        }
        if (!parsed.headers.length) notes.push('No headers were found after the status line.')
        if (parsed.status >= 100 && parsed.status < 200) {
          notes.push(`The last block is an interim ${parsed.status} response: the final response seems to be missing.`)
        }
        return {
          ok: true,
          format: 'http',
          response: response(parsed.status, parsed.statusText, parsed.headers, parsed.body, url),
          notes,
        }
      }
    }

    if (looksJson) {
      // zsh prints a "%" after output that has no final newline; people paste it along.
      let json = isJsonText(trimmed)
      let bodyText = trimmed
      if (!json.ok && trimmed.endsWith('%')) {
        const retry = isJsonText(trimmed.slice(0, -1).trimEnd())
        if (retry.ok) {
          json = retry
          bodyText = trimmed.slice(0, -1).trimEnd()
        }
      }
      if (json.ok) {
        const v = json.value
        const isError =
          !!v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>).error === 'string'
        const status = isError ? 400 : 200
        notes.push(
          `Only a JSON body was pasted: the status is assumed to be ${status}${isError ? ' (the body is an OAuth error)' : ''} and no headers are known, so Content-Type, Cache-Control and CORS headers cannot be checked. Run curl with -i to include them.`,
        )
        return { ok: true, format: 'json', response: response(status, '', [], bodyText, url), notes }
      }
      notes.push(`This looks like JSON but does not parse (${json.error}); it is kept as an unparsed body.`)
    } else {
      notes.push(
        'This is neither an HTTP response (status line first) nor JSON: it is kept as an unparsed body with an unknown status. Run the curl command with -i and paste its whole output.',
      )
    }
    return { ok: true, format: 'body', response: response(0, '', [], trimmed, url), notes }
  } catch (err) {
    return {
      ok: false,
      error: `The pasted text could not be read: ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/**
 * The JSON object of a token response body, or undefined when the body is not a JSON object.
 * The result is only read from, never merged into application state.
 */
export function tokensFromBody(body: string): Record<string, unknown> | undefined {
  if (typeof body !== 'string' || !body.trim()) return undefined
  try {
    const v: unknown = JSON.parse(body.trim())
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    return undefined
  }
  return undefined
}
