/**
 * The share link of a run: its configuration, without any value that carries one of the run's
 * secrets (code, verifier, tokens, their signatures, the client secret) in any encoding.
 */
import type { FlowConfig } from '../model/types'
import { buildShareFragment } from '../protocol/share-fragment'
import { currentTokens, type Snapshot } from './side'

/** Every secret the run holds (code, verifier, tokens and their signatures), plus `extra` (drafts, the secret). */
export function secretsInPlay(s: Snapshot, extra: readonly string[]): string[] {
  const out: Array<string | undefined> = [s.code, s.pkce?.code_verifier, ...extra]
  for (const v of [...Object.values(s.token?.body ?? {}), ...Object.values(currentTokens(s))]) {
    if (typeof v === 'string') out.push(v, v.split('.')[2])
  }
  return out.filter((v): v is string => typeof v === 'string' && v.length >= 6)
}

/** The fragment (without '#') for `config`, leaving out whatever carries a secret of the run or `extra`. */
export function shareFragment(config: FlowConfig, s: Snapshot, extra: readonly string[]): string {
  return buildShareFragment(config, secretsInPlay(s, extra))
}
