/**
 * A share link may name the server freely (issue 10), but the server it names decides where the login
 * happens and where the code goes. Part of the engine: it matters only once discovery has run.
 */
import type { FlowSnapshot } from '../model/types'

/** The origin of an absolute http(s) URL, else undefined. */
function webOrigin(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const u = new URL(value)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined
  } catch {
    return undefined
  }
}

/** Where the browser logs in and where the code goes, and what to tell the user before either. */
export interface LinkSplit {
  login: string
  code: string
  /** Near the controls, when the login or the token request is held. */
  notice: string
  /** For the live region, at the same time. */
  announcement: string
}

/**
 * The login page and the code on two origins, for a server the link named: the link's issuer (or MCP
 * server) is still the run's, and its metadata sends the browser to log in at one origin and has the
 * code, the code_verifier and any client secret sent to another. A forged link can name a server whose
 * metadata points the login at the user's real authorization server and the token endpoint at itself:
 * the user signs in where they always do, and the code goes to the link's server, which can redeem it
 * (the mix-up of RFC 9700 §4.4, set up by a link). Undefined once the user agreed to this, or to the
 * link's endpoints (they saw where the code goes), and for a server the user chose.
 */
export function linkSplit(s: FlowSnapshot): LinkSplit | undefined {
  const link = s.link
  const named = link?.named?.trim()
  if (!link || !named || link.splitConfirmed || link.confirmed) return undefined
  // A discovery that failed stops the flow on its own finding: nothing to ask about.
  if (s.status.discovery === 'error') return undefined
  if ((s.config.issuer ?? '').trim() !== named && (s.config.mcp_url ?? '').trim() !== named) return undefined
  // Only two real web origins: a relative, javascript: or unparsable endpoint is its own finding and
  // stops the flow before any login anyway.
  const login = webOrigin(s.metadata?.authorization_endpoint)
  const code = webOrigin(s.metadata?.token_endpoint)
  if (!login || !code || login === code) return undefined
  return {
    login,
    code,
    notice: `Stopped before the login: the server the link names has you log in at ${login} and sends the code to ${code}. Go on only if both are your server's.`,
    announcement: 'Stopped: the link’s server logs you in on one site and takes the code on another.',
  }
}
