// A WWW-Authenticate challenge on an error response (OAUTH_WWW_AUTHENTICATE_CHALLENGE).
import type { Finding } from '../../model/types'
import { readChallenges } from '../../platform/o4w'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { get, getNumber, quoteDescription, data, type Ctx, endpointLabel, isTokenOp, capitalise } from './context'
import { OAUTH_ERROR_CODES, lookupOAuthError } from './oauth-error-codes'
import { dpopChallengeFinding } from '../dpop'

export function explainChallenge(err: unknown, c: Ctx): Finding {
  const challenges = readChallenges(get(err, 'cause'))
  const status = getNumber(err, 'status')
  const first = challenges[0]
  const error = first?.parameters['error']
  const description = first?.parameters['error_description']
  const resourceMetadata = challenges.find((ch) => ch.parameters['resource_metadata'])?.parameters['resource_metadata']
  const info = lookupOAuthError(error)
  const where = endpointLabel(c)
  const schemes = challenges.map((ch) => ch.scheme).join(', ')
  const d = data({
    status: status === undefined ? undefined : String(status),
    scheme: schemes,
    error,
    error_description: description,
    realm: first?.parameters['realm'],
    scope: first?.parameters['scope'],
    resource_metadata: resourceMetadata,
    endpoint: c.op,
    url: c.url,
  })
  if (error === 'use_dpop_nonce') {
    return finding('dpop-nonce-required', 'warning', c.step, {
      title: `${capitalise(endpointLabel(c, false))} asks for a DPoP nonce`,
      detail: `${capitalise(where)} answered HTTP ${status ?? '?'} with a WWW-Authenticate: DPoP challenge, error "use_dpop_nonce". ${OAUTH_ERROR_CODES['use_dpop_nonce']?.meaning ?? ''}`,
      fix: OAUTH_ERROR_CODES['use_dpop_nonce']?.fix ?? '',
      spec: 'RFC 9449 §8, §9',
      data: d,
    })
  }
  const dpop = dpopChallengeFinding(challenges, status, c.step, endpointLabel(c, false))
  if (dpop) return dpop
  let detail = `${capitalise(where)} answered HTTP ${status ?? '?'} with a WWW-Authenticate challenge (scheme ${schemes || 'unknown'})${error ? ` and error "${clip(error, 80)}"` : ''} instead of the expected response.`
  if (info) detail += ` ${info.meaning}`
  detail += quoteDescription(description)
  if (isTokenOp(c))
    detail +=
      ' At the token endpoint a challenge means client authentication failed: RFC 6749 §5.2 requires 401 with WWW-Authenticate when the client authenticated with the Authorization header (client_secret_basic), which is what happened here.'
  if (resourceMetadata)
    detail += ` The challenge names protected resource metadata at ${clip(resourceMetadata)} (RFC 9728 §5.1), which is how MCP clients discover the authorization server.`
  detail +=
    ' (The playground could only see this header because the server exposes it with Access-Control-Expose-Headers.)'
  return finding('www-authenticate-challenge', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))} answered with an authentication challenge${error ? `: ${clip(error, 60)}` : ''}`,
    detail,
    fix:
      info?.fix ??
      (isTokenOp(c)
        ? 'Use the client authentication method registered for this client (a browser client is public: "none").'
        : 'Send the credentials the challenge asks for (usually a valid Bearer access token).'),
    spec: `${info ? `${info.spec}; ` : ''}RFC 6750 §3; RFC 9110 §11.6.1${resourceMetadata ? '; RFC 9728 §5.1' : ''}`,
    data: d,
  })
}
