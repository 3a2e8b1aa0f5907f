/**
 * Writing a share link's fragment (reading it is config.ts, part of the first view). Engine code:
 * it needs the secret matcher, which the first view does not.
 */
import type { FlowConfig } from '../model/types'
import { carriesSecret } from '../platform/secrets'
import { SHARE_KEYS } from './config'

/**
 * Writes the share fragment (without '#'). Empty values are left out, and so is any value that
 * carries one of `secrets` (code, verifier, client secret, tokens) in any encoding: a link never
 * carries a secret, even one pasted into a configuration field.
 */
export function buildShareFragment(config: FlowConfig, secrets: readonly string[] = []): string {
  const params = new URLSearchParams()
  for (const key of SHARE_KEYS) {
    const value = key === 'mcp' ? config.mcp_url : config[key]
    if (
      typeof value === 'string' &&
      value !== '' &&
      !(key === 'client_auth' && value === 'none') &&
      !((key === 'dpop' || key === 'par') && value === 'auto') &&
      !carriesSecret(value, secrets)
    ) {
      params.set(key, value)
    }
  }
  return params.toString()
}
