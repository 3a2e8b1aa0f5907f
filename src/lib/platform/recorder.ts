/**
 * Recording fetch: every request a step makes goes through here, so that the exact request and the
 * raw response (before oauth4webapi or jose process it) are kept as plain JSON `HttpExchange`s.
 */
import type { CorsVerdict, HeaderList, HttpExchange, RecordedResponse, StepRef } from '../model/types'

/** Bodies longer than this are cut in the record (the library still gets the whole response). */
export const MAX_RECORDED_BODY = 256 * 1024

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

export interface RecorderOptions {
  fetch: FetchLike
  step: StepRef
  /** Origin of the page, shown as the Origin header the browser adds to cross-origin requests. */
  pageOrigin: string
  /** Classifies a failed fetch; see `cors.ts`. Without it a failure is recorded as not-checked. */
  classify?: (url: string, init: RequestInit) => Promise<{ verdict: CorsVerdict; detail: string }>
  now?: () => number
}

export { nextExchangeId } from './ids'
import { nextExchangeId } from './ids'

function headersToList(headers: HeadersInit | undefined): HeaderList {
  if (!headers) return []
  const list: HeaderList = []
  new Headers(headers).forEach((value, name) => list.push([name, value]))
  return list
}

/** What marks a removed signature in a recorded proof. */
export const SIGNATURE_REMOVED = '[signature removed]'

/**
 * A JWS without its signature: "<header>.<payload>.[signature removed]". DPoP proofs are recorded
 * (and persisted with the snapshot) this way, so no signature is ever stored.
 */
export function withoutSignature(jws: string): string {
  const parts = jws.split('.')
  if (parts.length !== 3) return jws
  return `${parts[0]}.${parts[1]}.${SIGNATURE_REMOVED}`
}

/** The request headers as recorded: a DPoP proof loses its signature. */
export function requestHeadersToList(headers: HeadersInit | undefined): HeaderList {
  return headersToList(headers).map(([name, value]) => [name, name === 'dpop' ? withoutSignature(value) : value])
}

function bodyToText(body: BodyInit | null | undefined): string | undefined {
  if (body == null) return undefined
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  return '[binary body]'
}

/** Headers a browser adds on its own to a cross-origin request (shown, never set by the page). */
export function browserAddedHeaders(method: string, url: string, pageOrigin: string): HeaderList {
  const list: HeaderList = []
  let crossOrigin = true
  try {
    crossOrigin = new URL(url).origin !== pageOrigin
  } catch {
    // invalid URL: fetch will fail anyway
  }
  if (crossOrigin || method !== 'GET') list.push(['origin', pageOrigin])
  list.push(['sec-fetch-mode', 'cors'])
  list.push(['user-agent', '(your browser)'])
  return list
}

/** Reads a response body as text, cut at `MAX_RECORDED_BODY`, without consuming the original. */
export async function readBody(response: Response): Promise<{ body: string; truncated: boolean; size?: number }> {
  if (response.type === 'opaque' || response.type === 'opaqueredirect') {
    return { body: '', truncated: false }
  }
  try {
    const text = await response.clone().text()
    if (text.length > MAX_RECORDED_BODY) {
      return { body: text.slice(0, MAX_RECORDED_BODY), truncated: true, size: new TextEncoder().encode(text).length }
    }
    return { body: text, truncated: false }
  } catch (err) {
    return { body: `[body could not be read: ${String(err)}]`, truncated: false }
  }
}

export async function recordResponse(response: Response): Promise<RecordedResponse> {
  const { body, truncated, size } = await readBody(response)
  return {
    status: response.status,
    statusText: response.statusText,
    type: response.type,
    url: response.url,
    headers: headersToList(response.headers),
    body,
    bodyTruncated: truncated,
    ...(size !== undefined ? { bodySize: size } : {}),
  }
}

/**
 * Wraps fetch so that each call is recorded. `label` is set per call by `recorder.label = …`
 * before handing `recorder.fetch` to an oauth4webapi function as its `customFetch`.
 */
export class Recorder {
  readonly exchanges: HttpExchange[] = []
  label = 'Request'
  #opts: RecorderOptions

  constructor(opts: RecorderOptions) {
    this.#opts = opts
  }

  /** Suitable for oauth4webapi's `[customFetch]` option and for direct calls. */
  fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const now = this.#opts.now ?? Date.now
    const method = (init.method ?? 'GET').toUpperCase()
    const exchange: HttpExchange = {
      id: nextExchangeId(),
      step: this.#opts.step,
      label: this.label,
      startedAt: now(),
      durationMs: 0,
      request: {
        method,
        url,
        headers: requestHeadersToList(init.headers),
        browserAdded: browserAddedHeaders(method, url, this.#opts.pageOrigin),
        body: bodyToText(init.body),
      },
      cors: 'not-checked',
    }
    this.exchanges.push(exchange)
    try {
      const response = await this.#opts.fetch(url, init)
      exchange.durationMs = now() - exchange.startedAt
      exchange.response = await recordResponse(response)
      exchange.cors = response.type === 'opaqueredirect' ? 'redirected' : 'readable'
      if (exchange.cors === 'redirected') {
        exchange.corsDetail =
          'The endpoint answered with a redirect. Requests here use redirect: "manual" (as strict clients do), so the browser hides the target; the endpoint should answer at the advertised URL itself.'
      }
      return response
    } catch (err) {
      exchange.durationMs = now() - exchange.startedAt
      exchange.error = {
        name: err instanceof Error ? err.name : 'Error',
        message: err instanceof Error ? err.message : String(err),
      }
      if (this.#opts.classify && err instanceof TypeError) {
        try {
          const { verdict, detail } = await this.#opts.classify(url, init)
          exchange.cors = verdict
          exchange.corsDetail = detail
        } catch {
          exchange.cors = 'not-checked'
        }
      }
      throw err
    }
  }
}
