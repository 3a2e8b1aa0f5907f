/** Whether a side step can run now (engine code: the first view never needs it). */
import type { SideStepId } from '../model/types'
import { currentTokens, type Snapshot } from './side'

/**
 * Why a side step cannot run yet (the notice to show), or undefined when it can: the after-token
 * actions need the token they send, the CORS check needs the metadata.
 */
export function sideBlocked(
  step: SideStepId,
  s: Snapshot,
  which?: 'access_token' | 'refresh_token',
): string | undefined {
  const tokens = currentTokens(s)
  switch (step) {
    case 'refresh':
      return tokens.refresh_token
        ? undefined
        : 'The token response has no refresh_token (ask for offline_access, or the server does not issue one).'
    case 'userinfo':
    case 'resource':
      return tokens.access_token ? undefined : 'No access token yet.'
    case 'introspection':
    case 'revocation':
      return which && tokens[which]
        ? undefined
        : `No ${which ?? 'token'} to ${step === 'revocation' ? 'revoke' : 'introspect'}.`
    case 'cors':
      return s.metadata
        ? undefined
        : 'Run Discover first (or enter the endpoints by hand): the check probes the endpoints the metadata names.'
    default:
      return undefined
  }
}
