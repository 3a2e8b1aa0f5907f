// The entry point: explainError reads the context once and dispatches by code (oauth4webapi, jose),
// DOMException name and error class; anything unrecognised becomes an unknown-error finding.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import {
  type ExplainContext,
  getString,
  isInstance,
  libraryText,
  data,
  type Ctx,
  readContext,
  endpointLabel,
  specForOperation,
  capitalise,
} from './context'
import { explainResponseBodyError } from './error-response'
import { invalidUrl, playgroundBug, unknownFinding } from './fallback'
import { type JoseCode, JOSE_HANDLERS } from './jose'
import { explainTypeError } from './network'
import { lookupOAuthError } from './oauth-error-codes'
import { type OAuthCode, OAUTH_HANDLERS } from './oauth4webapi'

function explainInner(err: unknown, c: Ctx): Finding {
  const code = getString(err, 'code')
  const name = getString(err, 'name') ?? ''
  const message = getString(err, 'message') ?? ''

  if (code !== undefined && Object.hasOwn(OAUTH_HANDLERS, code))
    return OAUTH_HANDLERS[code as OAuthCode](err, c, message, code)
  if (code !== undefined && Object.hasOwn(JOSE_HANDLERS, code))
    return JOSE_HANDLERS[code as JoseCode](err, c, message, code)

  if (name === 'AbortError') {
    return finding('aborted', 'info', c.step, {
      title: `The request to ${endpointLabel(c, false)} was cancelled`,
      detail:
        'The request was aborted before it finished — usually because you reset the flow, navigated away or started another attempt. Nothing is wrong with the server.',
      fix: 'Run the step again if you still need it.',
      spec: '—',
      data: data({ endpoint: c.op, url: c.url }),
    })
  }
  if (name === 'TimeoutError') {
    return finding('request-timeout', 'warning', c.step, {
      title: `${capitalise(endpointLabel(c, false))} did not answer in time`,
      detail:
        'The playground stopped waiting for an answer. The server is slow, overloaded or unreachable without a quick failure (e.g. a firewall dropping packets).',
      fix: 'Check the server is up and reachable, then retry.',
      spec: '—',
      data: data({ endpoint: c.op, url: c.url }),
    })
  }
  if (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE') return playgroundBug(c, message, code)
  if (code === 'ERR_INVALID_URL') return invalidUrl(c, message, code)
  if (name === 'TypeError' || isInstance(err, TypeError)) return explainTypeError(err, c, message)
  if (name === 'SyntaxError' || isInstance(err, SyntaxError)) {
    return finding('response-parse-error', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} sent text that is not valid JSON`,
      detail: `Parsing the response failed ("${clip(message, 150)}").`,
      fix: 'Return a single well-formed JSON object (RFC 8259).',
      spec: `${specForOperation(c)}; RFC 8259`,
      data: data({ endpoint: c.op, url: c.url, parser: message }),
    })
  }
  if (name === 'OperationProcessingError' && message.includes('"alg"')) {
    return finding('jwt-alg-config-missing', 'error', c.step, {
      title: 'No signing algorithm is known to check this JWT against',
      detail: `The response is a JWT but neither the client registration nor the server metadata says which alg it should use (e.g. no userinfo_signing_alg_values_supported), so it cannot be accepted safely.${libraryText(message, code)}`,
      fix: 'Advertise the signing algorithms in the metadata (*_signing_alg_values_supported).',
      spec: 'OpenID Connect Discovery 1.0 §3; RFC 8725 §3.1',
    })
  }
  // A plain object that looks like an OAuth error body.
  const oauthError = getString(err, 'error')
  if (oauthError !== undefined && !isInstance(err, Error) && lookupOAuthError(oauthError))
    return explainResponseBodyError(err, c)
  return unknownFinding(err, c)
}

/**
 * Turns any thrown value into a human finding: oauth4webapi errors (by class and `OAUTH_*` code),
 * jose errors (by `ERR_*` code), fetch `TypeError`s (network/CORS), `DOMException`
 * AbortError/TimeoutError, and anything else. Never throws.
 *
 * @param err The thrown value, as caught.
 * @param ctx Which step and operation failed, and the URL involved (used in the wording).
 * @returns A finding; `data` holds small string evidence (code, status, error, claim, expected,
 *   actual), each at most 300 characters.
 */
export function explainError(err: unknown, ctx: ExplainContext): Finding {
  let c: Ctx = { step: 'configure', op: 'unknown', url: undefined }
  try {
    c = readContext(ctx)
    return explainInner(err, c)
  } catch {
    try {
      return unknownFinding(err, c)
    } catch {
      return finding('unknown-error', 'error', c.step, {
        title: 'Something unexpected went wrong',
        detail: 'An error occurred that could not even be described. The HTTP log shows what was sent and received.',
        fix: 'Check the HTTP log and the browser console.',
        spec: '—',
      })
    }
  }
}
