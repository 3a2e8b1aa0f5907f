// JWT time claims (exp, iat, nbf, auth_time) that fail their checks.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { get, getString, getNumber, show, libraryText, data, type Ctx } from './context'
import { claimLabel } from './jwt'
import { humanDuration } from '../../platform/jwt-decode'

export function explainTimestamp(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const claim = getString(cause, 'claim') ?? ''
  const claims = get(cause, 'claims')
  const now = getNumber(cause, 'now')
  const tolerance = getNumber(cause, 'tolerance')
  const lib = libraryText(message, code)
  return timestampFinding(c, claim, claims, now, tolerance, lib)
}

function describeTime(value: unknown, now: number | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return show(value)
  let iso: string
  try {
    iso = new Date(value * 1000).toISOString()
  } catch {
    iso = ''
  }
  const rel =
    now === undefined ? '' : value <= now ? `, ${Math.round(now - value)} s ago` : `, in ${Math.round(value - now)} s`
  return `${value}${iso ? ` (${iso}${rel})` : ''}`
}

export function timestampFinding(
  c: Ctx,
  claim: string,
  claims: unknown,
  now: number | undefined,
  tolerance: number | undefined,
  lib: string,
): Finding {
  const value = get(claims, claim)
  const clock = `Compare the server clock with this computer's: the iat claim (${describeTime(get(claims, 'iat'), now)}) shows when the server thinks it issued the token${tolerance !== undefined ? `; the allowed clock tolerance is ${tolerance} s` : ''}.${clockSkew(get(claims, 'iat'), now, tolerance)}`
  const d = data({
    claim,
    actual: typeof value === 'number' ? String(value) : value,
    now: now === undefined ? undefined : String(now),
    tolerance: tolerance === undefined ? undefined : String(tolerance),
  })
  switch (claim) {
    case 'exp':
      return finding('jwt-expired', 'error', c.step, {
        title: 'The token has expired',
        detail: `The token's exp is ${describeTime(value, now)}: it is no longer valid. Either its lifetime is too short for the flow, or the server's or this computer's clock is wrong. ${clock}${lib}`,
        fix: 'Give tokens a lifetime of minutes, not seconds, and keep server clocks synchronised (NTP).',
        spec: 'RFC 7519 §4.1.4; OpenID Connect Core 1.0 §3.1.3.7',
        data: d,
      })
    case 'nbf':
      return finding('jwt-not-yet-valid', 'error', c.step, {
        title: 'The token is not valid yet',
        detail: `The token's nbf (not before) is ${describeTime(value, now)}, in the future: usually a clock difference between server and this computer. ${clock}${lib}`,
        fix: 'Synchronise the server clock (NTP); do not set nbf later than iat.',
        spec: 'RFC 7519 §4.1.5',
        data: d,
      })
    case 'auth_time':
      return finding('jwt-auth-time-too-old', 'error', c.step, {
        title: 'The user authenticated longer ago than max_age allows',
        detail: `The ID Token's auth_time is ${describeTime(value, now)}, older than the max_age the client asked for. The server should have made the user log in again.${lib}`,
        fix: 'Honour max_age: re-authenticate the user when the last authentication is older, and put the new time in auth_time.',
        spec: 'OpenID Connect Core 1.0 §3.1.2.1, §3.1.3.7',
        data: d,
      })
    case 'iat':
      return finding('jwt-iat-invalid', 'error', c.step, {
        title: 'The token issue time (iat) is not acceptable',
        detail: `The token's iat is ${describeTime(value, now)}: ${typeof value === 'number' && now !== undefined && value > now ? 'in the future' : 'too far in the past'}. ${clock}${lib}`,
        fix: 'Set iat to the time the token is issued, and keep the server clock synchronised (NTP).',
        spec: 'RFC 7519 §4.1.6; OpenID Connect Core 1.0 §3.1.3.7',
        data: d,
      })
    default:
      return finding('jwt-claim-invalid', 'error', c.step, {
        title: `A time check on the token failed${claim ? ` (${clip(claim, 30)})` : ''}`,
        detail: `A NumericDate check on ${claimLabel(claim || 'unknown')} failed. ${clock}${lib}`,
        fix: 'Check the time claims and the server clock.',
        spec: 'RFC 7519 §4.1',
        data: d,
      })
  }
}

/**
 * faults.csv B13: a token the server has just issued carries an iat within seconds of the server's
 * clock, so iat minus this computer's time estimates how far the two clocks differ. Said only when
 * that is beyond the tolerance (and at least a minute), and hedged: a pasted token may be old.
 */
function clockSkew(iat: unknown, now: number | undefined, tolerance: number | undefined): string {
  if (typeof iat !== 'number' || !Number.isFinite(iat) || now === undefined) return ''
  const offset = iat - now
  if (Math.abs(offset) <= Math.max(tolerance ?? 30, 60)) return ''
  return ` If the server issued this token just now (as with a token response), the two clocks differ by about ${humanDuration(offset)}: this computer's clock is ${offset > 0 ? 'behind' : 'ahead of'} the server's. Check both against a time server (NTP).`
}
