// An OAuth error response body (error=, error_description, error_uri) from an endpoint.
import type { Finding, FindingId } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import {
  get,
  getString,
  getNumber,
  quoteDescription,
  data,
  type Ctx,
  endpointLabel,
  isTokenOp,
  isRegistrationOp,
  capitalise,
} from './context'
import { lookupOAuthError } from './oauth-error-codes'

export function explainResponseBodyError(err: unknown, c: Ctx): Finding {
  const error = getString(err, 'error') ?? getString(get(err, 'cause'), 'error') ?? ''
  const description = getString(err, 'error_description') ?? getString(get(err, 'cause'), 'error_description')
  const errorUri = getString(get(err, 'cause'), 'error_uri')
  const status = getNumber(err, 'status')
  const info = lookupOAuthError(error)
  const statusText = status === undefined ? 'an error status' : `HTTP ${status}`
  const where = endpointLabel(c)

  let statusNote = ''
  if (status !== undefined && status !== 400) {
    if (error === 'invalid_client' && status === 401) statusNote = ''
    else if (error === 'invalid_client')
      statusNote = ` RFC 6749 §5.2: invalid_client MAY use 401 and MUST use 401 with a WWW-Authenticate header when the client authenticated with the Authorization header; ${status} is neither.`
    else if (isTokenOp(c) || isRegistrationOp(c))
      statusNote = ` Error responses use HTTP 400 unless the spec says otherwise; this one used ${status}.`
  }
  const meaning = info
    ? info.meaning
    : `"${clip(error, 80)}" is not a standard OAuth error code; its meaning is defined by the server's own documentation.`
  const uriNote = errorUri
    ? ` The server points to more information at ${clip(errorUri)} (error_uri, not opened by the playground).`
    : ''
  const d = data({
    error,
    status: status === undefined ? undefined : String(status),
    error_description: description,
    error_uri: errorUri,
    endpoint: c.op,
    url: c.url,
  })

  if (error === 'use_dpop_nonce') {
    return finding('dpop-nonce-required', 'warning', c.step, {
      title: `${capitalise(endpointLabel(c, false))} asks for a DPoP nonce`,
      detail: `${capitalise(where)} answered ${statusText} with error "use_dpop_nonce". ${meaning}${quoteDescription(description)}`,
      fix: info?.fix ?? '',
      spec: info?.spec ?? 'RFC 9449 §8',
      data: d,
    })
  }

  const id: FindingId = isTokenOp(c)
    ? 'token-request-rejected'
    : isRegistrationOp(c)
      ? 'registration-rejected'
      : 'oauth-error-response'
  const title = isTokenOp(c)
    ? `The token endpoint rejected the request: ${clip(error, 60)}`
    : isRegistrationOp(c)
      ? `Client registration was rejected: ${clip(error, 60)}`
      : `${capitalise(where)} answered with OAuth error ${clip(error, 60)}`
  let extra = ''
  if (isTokenOp(c) && error === 'invalid_grant')
    extra =
      ' The same code can never be exchanged twice: retrying needs a new authorization. A correct server also rejects a wrong code_verifier with invalid_grant, which is how PKCE protects a stolen code.'
  return finding(id, 'error', c.step, {
    title,
    detail: `${capitalise(where)} answered ${statusText} with the OAuth error "${clip(error, 80)}". ${meaning}${quoteDescription(description)}${statusNote}${uriNote}${extra}`,
    fix:
      info?.fix ??
      "Check the server's documentation and logs for this error code; standard clients only understand the codes registered for OAuth.",
    spec: info ? `${info.spec}` : 'RFC 6749 §5.2',
    data: d,
  })
}
