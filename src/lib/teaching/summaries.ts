/**
 * One line per finished step: what happened and the values that matter, for a collapsed step panel
 * ("Discovered http://localhost:9400 — S256, none, iss supported"). Server values appear as text
 * only (the caller renders them as text), cut to a readable length.
 */
import type { FlowSnapshot, StepId } from '../model/types'

const cut = (s: string, max = 60): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s)

function findingCounts(s: FlowSnapshot, step: StepId): string {
  const fs = s.findings.filter((f) => f.step === step)
  const n = (sev: string) => fs.filter((f) => f.severity === sev).length
  const parts = [
    n('error') ? `${n('error')} error${n('error') > 1 ? 's' : ''}` : '',
    n('warning') ? `${n('warning')} warning${n('warning') > 1 ? 's' : ''}` : '',
    n('info') ? `${n('info')} note${n('info') > 1 ? 's' : ''}` : '',
  ].filter(Boolean)
  return parts.length ? ` · ${parts.join(', ')}` : ''
}

function expiresIn(body: Record<string, unknown> | undefined): string {
  const e = body?.expires_in
  if (typeof e !== 'number' || !Number.isFinite(e)) return ''
  if (e >= 3600) return `, expires in ${Math.round(e / 360) / 10} h`
  if (e >= 60) return `, expires in ${Math.round(e / 60)} min`
  return `, expires in ${e} s`
}

const looksJwt = (v: unknown): boolean => typeof v === 'string' && v.split('.').length === 3

/** The one-line summary of `step`, or undefined when the step has not run. */
export function stepSummary(step: StepId, s: FlowSnapshot): string | undefined {
  const status = s.status[step]
  if (!status || status === 'pending' || status === 'running') return undefined
  const tail = findingCounts(s, step)
  switch (step) {
    case 'configure':
      return `${cut(s.config.mcp_url || s.config.issuer || 'no server')}, client ${cut(s.config.client_id || '(registered later)', 40)}, scope "${cut(s.config.scope, 40)}"${tail}`
    case 'discovery': {
      const m = s.metadata
      if (!m) return `Discovery did not finish${tail}`
      const pkce = m.code_challenge_methods_supported?.join(' ') || 'no PKCE advertised'
      const auth = m.token_endpoint_auth_methods_supported?.includes('none') ? 'none' : 'no "none"'
      const iss = m.authorization_response_iss_parameter_supported ? ', iss supported' : ''
      return `Discovered ${cut(m.issuer)} — ${cut(pkce, 30)}, ${auth}${iss}${tail}`
    }
    case 'pkce':
      return s.pkce
        ? `${s.pkce.method} challenge ${s.pkce.code_challenge.slice(0, 10)}… from a ${s.pkce.code_verifier.length}-character verifier${tail}`
        : `No PKCE pair${tail}`
    case 'authorization': {
      if (!s.authorization) return `No authorization request${tail}`
      const n = s.authorization.params.length
      if (s.authorization.par) {
        return s.callback
          ? `Pushed ${n} parameters (PAR), then sent the browser with client_id and request_uri${tail}`
          : `Pushed ${n} parameters (PAR); request_uri ready: start it to log in${tail}`
      }
      return s.callback
        ? `Sent the browser to the authorization endpoint with ${n} parameters${tail}`
        : `Authorization request ready (${n} parameters): start it to log in${tail}`
    }
    case 'callback': {
      const c = s.callback
      if (!c) return `No callback${tail}`
      const keys = c.params.map(([k]) => k).join(', ')
      if (c.outcome === 'code') return `Back with a code (${cut(keys, 50)}); state matched${tail}`
      const error = c.params.find(([k]) => k === 'error')?.[1]
      return `Back ${error ? `with error ${cut(error, 40)}` : 'without a usable code'}${tail}`
    }
    case 'token': {
      const t = s.token
      if (!t) return `No token response${tail}`
      const kinds = ['access_token', 'id_token', 'refresh_token'].filter((k) => typeof t.body?.[k] === 'string')
      const bound = s.dpop && String(t.body?.token_type).toLowerCase() === 'dpop' ? ', DPoP-bound' : ''
      return `HTTP ${t.status}${kinds.length ? ` — ${kinds.join(', ')}${bound}` : ''}${expiresIn(t.body)}${tail}`
    }
    case 'tokens': {
      const b = s.token?.body
      const id = typeof b?.id_token === 'string' ? 'ID token checked' : 'no ID token'
      const at = looksJwt(b?.access_token) ? 'access token JWT' : 'access token opaque'
      return `${id}, ${at}${expiresIn(b)}${tail}`
    }
    default:
      return `${status}${tail}`
  }
}
