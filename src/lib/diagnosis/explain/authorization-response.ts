// The authorization response (callback): error= redirects and the state / iss / code checks.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { get, getString, show, quoteDescription, data, type Ctx } from './context'
import { lookupOAuthError } from './oauth-error-codes'

/** One parameter of a URLSearchParams-like value (the callback parameters in a `cause`); never throws. */
function searchParam(params: unknown, name: string): string | undefined {
  try {
    const getter = get(params, 'get')
    if (typeof getter !== 'function') return undefined
    const v: unknown = (getter as (n: string) => unknown).call(params, name)
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

export function explainAuthorizationResponseError(err: unknown, c: Ctx): Finding {
  const params = get(err, 'cause')
  const fromParams = (name: string): string | undefined => searchParam(params, name)
  const error = getString(err, 'error') ?? fromParams('error') ?? ''
  const description = getString(err, 'error_description') ?? fromParams('error_description')
  const errorUri = fromParams('error_uri')
  const info = lookupOAuthError(error)
  const soft = [
    'access_denied',
    'login_required',
    'consent_required',
    'interaction_required',
    'account_selection_required',
    'temporarily_unavailable',
  ]
  const meaning = info
    ? info.meaning
    : `"${clip(error, 80)}" is not a standard OAuth error code; its meaning is defined by the server's own documentation.`
  return finding('authorization-error', soft.includes(error) ? 'warning' : 'error', c.step, {
    title: `The authorization server returned an error instead of a code: ${clip(error, 60)}`,
    detail: `The redirect back to the playground carries error="${clip(error, 80)}" instead of a code. ${meaning}${quoteDescription(description)}${errorUri ? ` More information, per the server: ${clip(errorUri)} (error_uri).` : ''} The state (and iss, if any) of this response were checked before the error was read, so it belongs to this run; even so an error response should not be trusted further than that (RFC 9207 §2.4).`,
    fix: info?.fix ?? "Check the authorization server's logs and documentation for this error code.",
    spec: info ? info.spec : 'RFC 6749 §4.1.2.1',
    data: data({ error, error_description: description, error_uri: errorUri }),
  })
}

/**
 * The authorization response (callback) checks of OAUTH_INVALID_RESPONSE: one code, told apart by
 * message. Undefined when the message is about something else.
 */
export function callbackParameterFinding(cause: unknown, c: Ctx, message: string, lib: string): Finding | undefined {
  const params = get(cause, 'parameters')
  const param = (name: string): string | undefined => searchParam(params, name)

  if (message.includes('"iss" (issuer) missing')) {
    return finding('iss-missing', 'error', c.step, {
      title: 'The callback has no iss parameter although the server promised one',
      detail: `The server metadata says authorization_response_iss_parameter_supported: true, so every authorization response (success or error) must carry iss, and a client must reject one without it. This one has none. The iss parameter defends against mix-up attacks when a client talks to several authorization servers. Strict clients enforce this: ChatGPT/Codex reject such a callback (Codex reports "Authorization server response missing required issuer").${lib}`,
      fix: 'Add iss=<issuer identifier, exactly as in the metadata> to every redirect back to the client, or stop advertising authorization_response_iss_parameter_supported.',
      spec: 'RFC 9207 §2, §2.4, §3',
      data: data({ endpoint: 'callback' }),
    })
  }
  if (message.includes('"iss" (issuer) response parameter value')) {
    const expected = getString(cause, 'expected')
    const actual = param('iss')
    return finding('issuer-mismatch', 'error', c.step, {
      title: 'The callback iss differs from the issuer identifier',
      detail: `The authorization response says iss=${show(actual ?? '')} but the issuer in the server metadata is ${show(expected ?? '')}. RFC 9207 requires a simple string comparison — a trailing slash, http vs https or a different host spelling all count as different. A client must reject the response: it may come from a different authorization server (mix-up attack). Strict clients do (the MCP Python SDK reports "Authorization response iss mismatch").${lib}`,
      fix: 'Send iss exactly equal to the "issuer" value of the metadata (copy the string, do not rebuild it from the request URL).',
      spec: 'RFC 9207 §2, §2.4; RFC 8414 §3.3',
      data: data({ expected, actual, attribute: 'iss' }),
    })
  }
  if (message.includes('"state" missing')) {
    return finding('state-missing', 'error', c.step, {
      title: 'The callback has no state parameter',
      detail: `The playground sent a state value and the authorization server must return it unchanged in the redirect, but the callback has none. Without it the client cannot tell this response belongs to the request it made (CSRF protection).${lib}`,
      fix: 'Echo the state parameter of the authorization request, byte for byte, in every redirect back to the client (also in error redirects).',
      spec: 'RFC 6749 §4.1.2, §10.12; RFC 9700 §4.7.1',
      data: data({ expected: getString(cause, 'expected') }),
    })
  }
  if (message.includes('"state" response parameter value')) {
    const expected = getString(cause, 'expected')
    const actual = param('state')
    return finding('state-mismatch', 'error', c.step, {
      title: 'The callback state does not match the request',
      detail: `The callback carries state=${show(actual ?? '')} but this run sent ${show(expected ?? '')}. Either the server altered it (decoded, re-encoded, truncated), or the callback belongs to another flow — another tab, an older attempt or a forged link. A client must reject it (CSRF protection).${lib}`,
      fix: 'Return state exactly as received. If you started several flows, finish the latest one in the tab that started it.',
      spec: 'RFC 6749 §4.1.2, §10.12; RFC 9700 §4.7.1',
      data: data({ expected, actual }),
    })
  }
  if (message.includes('"state" response parameter encountered')) {
    return finding('state-unexpected', 'error', c.step, {
      title: 'The callback has a state the playground never sent',
      detail: `The callback carries state=${show(param('state') ?? '')} but this request was sent without state. The response cannot be matched to this request.${lib}`,
      fix: 'Only return state when the client sent one, and unchanged.',
      spec: 'RFC 6749 §4.1.2',
      data: data({ actual: param('state') }),
    })
  }
  const dup = /^"([^"]{1,40})" parameter must be provided only once/.exec(message)
  if (dup) {
    return finding('duplicate-parameter', 'error', c.step, {
      title: `The ${dup[1]} parameter appears more than once`,
      detail: `The response carries "${dup[1]}" several times. Request and response parameters must not be included more than once; a server that appends its own parameters to a redirect_uri that already has them produces this.${lib}`,
      fix: 'Send each parameter once. When the redirect_uri has a query, keep it and add the response parameters without duplicating any.',
      spec: 'RFC 6749 §3.1, §3.1.2',
      data: data({ parameter: dup[1] }),
    })
  }
  if (message.includes('JARM')) {
    return finding('jarm-response-unexpected', 'error', c.step, {
      title: 'The callback is a JARM response the playground did not ask for',
      detail: `The callback has a "response" parameter (a JWT-secured authorization response, JARM) although the request asked for plain query parameters.${lib}`,
      fix: 'Use the default response mode (query) for this client, or do not force JARM for it.',
      spec: 'OAuth 2.0 JARM §2.1; RFC 6749 §4.1.2',
    })
  }
  if (/no authorization code|does not contain an Authorization Code/.test(message)) {
    return finding('code-missing', 'error', c.step, {
      title: 'The callback has no authorization code',
      detail: `The redirect back carries neither code nor error. Possibly the response was sent in the URL fragment (#code=…, implicit or fragment response mode) or as form_post, which a static page cannot receive.${lib}`,
      fix: 'Return code (and state, iss) in the query of the redirect_uri, as response_type=code with the default response_mode requires.',
      spec: 'RFC 6749 §4.1.2; OAuth 2.0 Multiple Response Type Encoding Practices §2.1',
    })
  }
  return undefined
}
