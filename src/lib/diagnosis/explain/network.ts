// fetch() TypeErrors: unreachable servers, CORS, invalid URLs and programming errors.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { get, getString, libraryText, data, type Ctx, endpointLabel, isTokenOp, capitalise } from './context'
import { invalidUrl, playgroundBug } from './fallback'

const FETCH_FAILURE =
  /failed to fetch|networkerror|load failed|fetch failed|network request failed|network connection was lost|could not connect|hostname could not be found|internet connection appears to be offline|ssl|certificate|cancelled/i
const PROGRAMMING_ERROR =
  /is not a function|cannot read propert|cannot set propert|undefined is not|null is not|is not iterable|is not a constructor|must be an instance|must be a |must not be|option/i
const INVALID_URL = /invalid url|not a valid url|failed to parse url|failed to construct 'url'/i

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection failed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate chain is incomplete',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
}

export function explainTypeError(err: unknown, c: Ctx, message: string): Finding {
  const where = endpointLabel(c)
  if (INVALID_URL.test(message)) return invalidUrl(c, message, undefined)

  const causeCode = getString(get(err, 'cause'), 'code')
  if (causeCode !== undefined && Object.hasOwn(UNREACHABLE_CODES, causeCode)) {
    return finding('endpoint-unreachable', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} could not be reached`,
      detail: `The request never got an HTTP answer: ${UNREACHABLE_CODES[causeCode]} (${causeCode}).${libraryText(message, undefined)}`,
      fix: 'Check the URL, that the server is running and reachable from this machine, and its TLS certificate (open the URL in a browser tab).',
      spec: 'RFC 6749 §3.1, §3.2',
      data: data({ endpoint: c.op, url: c.url, cause: causeCode }),
    })
  }

  if (!FETCH_FAILURE.test(message) && PROGRAMMING_ERROR.test(message)) return playgroundBug(c, message, undefined)

  const tokenNote = isTokenOp(c)
    ? ' For the token request: a public-client POST without an Authorization header needs no preflight, so the request may well have reached the server and consumed the code even though the browser hid the answer — check the server logs before retrying, and start a new authorization either way.'
    : ''
  return finding('cors-blocked', 'error', c.step, {
    title: `The browser blocked or could not complete the request to ${endpointLabel(c, false)}`,
    detail: `fetch() failed with a TypeError${message ? ` ("${clip(message, 120)}")` : ''}. Browsers deliberately hide the reason from JavaScript: a missing or wrong Access-Control-Allow-Origin header, a failed preflight, CORS headers only on successful responses, DNS, TLS, mixed content or a blocked local-network request all look the same here (the browser console names the real cause). The playground follows up with a CORS check to tell "server reachable, CORS missing" from "server unreachable".${tokenNote} Connectors that call the token endpoint from their own servers (ChatGPT, Claude) are not subject to CORS, so a CORS failure here does not prove those clients fail.`,
    fix: `Allow the playground's origin on ${where}: send Access-Control-Allow-Origin (the exact origin, or *) on success AND error responses, answer OPTIONS preflights with 2xx plus Access-Control-Allow-Headers (authorization, content-type, dpop as needed), and expose WWW-Authenticate/DPoP-Nonce via Access-Control-Expose-Headers. If the URL does not open in a browser tab either, fix reachability or the certificate first.`,
    spec: 'Fetch Standard §3.2 (CORS protocol); draft-ietf-oauth-browser-based-apps §6.3.3.4; RFC 9700 §2.6',
    data: data({ endpoint: c.op, url: c.url, message: message || undefined }),
  })
}
