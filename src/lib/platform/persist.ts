/**
 * The one place the flow survives the full-page redirect: a plain-JSON snapshot in sessionStorage
 * (per tab and per origin), removed when the flow is reset. Storage is injected so this stays pure.
 */
import type { FlowSnapshot, HttpExchange } from '../model/types'

export const SNAPSHOT_KEY = 'pkce-playground:flow'

/** The subset of the Web Storage API the playground needs. */
export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** What replaces a secret that is no longer needed in storage. */
export const REMOVED_AFTER_USE = '(removed after use)'

/**
 * The snapshot as it may be stored: once the code has been sent, the code and the code_verifier are
 * of no further use and are not written again (they stay in this page's memory only) — neither in
 * the snapshot's own fields nor in the recorded exchanges (the token request's form body, or a server
 * that echoes them in an answer).
 */
export function storableSnapshot(snapshot: FlowSnapshot): FlowSnapshot {
  if (!snapshot.codeUsed) return snapshot
  const { code: _code, ...rest } = snapshot
  const spent = [
    snapshot.code,
    snapshot.callback?.params.find(([k]) => k === 'code')?.[1],
    snapshot.pkce?.code_verifier,
  ].filter((v): v is string => !!v && v !== REMOVED_AFTER_USE)
  return {
    ...rest,
    ...(snapshot.pkce ? { pkce: { ...snapshot.pkce, code_verifier: REMOVED_AFTER_USE } } : {}),
    ...(snapshot.callback
      ? {
          callback: {
            ...snapshot.callback,
            params: snapshot.callback.params.map(([k, v]) => [k, k === 'code' ? REMOVED_AFTER_USE : v]),
          },
        }
      : {}),
    exchanges: spent.length ? snapshot.exchanges.map((ex) => withoutLiterals(ex, spent)) : snapshot.exchanges,
  }
}

/** Every spelling of each value in a URL or a form body, longest first. */
function spellings(values: string[]): string[] {
  const all = values.flatMap((v) => [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)])
  return [...new Set(all)].sort((a, b) => b.length - a.length)
}

function withoutLiterals(ex: HttpExchange, values: string[]): HttpExchange {
  const forms = spellings(values)
  const scrub = (text: string) => forms.reduce((t, f) => t.split(f).join(REMOVED_AFTER_USE), text)
  const { request, response } = ex
  return {
    ...ex,
    request: {
      ...request,
      url: scrub(request.url),
      headers: request.headers.map(([k, v]) => [k, scrub(v)]),
      ...(request.body !== undefined ? { body: scrub(request.body) } : {}),
    },
    ...(response ? { response: { ...response, body: scrub(response.body) } } : {}),
  }
}

/** Saves the snapshot (and the client secret, which lives only here and in memory). */
export function saveSnapshot(store: KeyValueStore, snapshot: FlowSnapshot, secret = ''): void {
  store.setItem(SNAPSHOT_KEY, JSON.stringify({ snapshot: storableSnapshot(snapshot), secret }))
}

/** Restores a snapshot, or undefined when there is none or it is not one of ours. */
export function loadSnapshot<T extends FlowSnapshot = FlowSnapshot>(
  store: KeyValueStore,
): { snapshot: T; secret: string } | undefined {
  const raw = store.getItem(SNAPSHOT_KEY)
  if (!raw) return undefined
  try {
    const parsed: unknown = JSON.parse(raw)
    if (!parsed || typeof parsed !== 'object') return undefined
    const { snapshot, secret } = parsed as { snapshot?: T; secret?: unknown }
    if (!snapshot || snapshot.version !== 1 || typeof snapshot.runId !== 'string') return undefined
    if (!Array.isArray(snapshot.exchanges) || !Array.isArray(snapshot.findings)) return undefined
    return { snapshot, secret: typeof secret === 'string' ? secret : '' }
  } catch {
    return undefined
  }
}

export function clearSnapshot(store: KeyValueStore): void {
  store.removeItem(SNAPSHOT_KEY)
}
