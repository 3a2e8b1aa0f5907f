// oauth4webapi errors, by their stable OAUTH_* code.
import {
  AUTHORIZATION_RESPONSE_ERROR,
  HTTP_REQUEST_FORBIDDEN,
  INVALID_REQUEST,
  INVALID_RESPONSE,
  INVALID_SERVER_METADATA,
  JSON_ATTRIBUTE_COMPARISON,
  JWT_CLAIM_COMPARISON,
  JWT_TIMESTAMP_CHECK,
  JWT_USERINFO_EXPECTED,
  KEY_SELECTION,
  MISSING_SERVER_METADATA,
  PARSE_ERROR,
  REQUEST_PROTOCOL_FORBIDDEN,
  RESPONSE_BODY_ERROR,
  RESPONSE_IS_NOT_CONFORM,
  RESPONSE_IS_NOT_JSON,
  UNSUPPORTED_OPERATION,
  WWW_AUTHENTICATE_CHALLENGE,
} from 'oauth4webapi'
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { isLoopbackHost } from '../../platform/network'
import { finding } from '../finding'
import { explainAuthorizationResponseError } from './authorization-response'
import { explainChallenge } from './challenge'
import { get, getString, show, libraryText, data, type Ctx } from './context'
import { explainResponseBodyError } from './error-response'
import { explainClaimComparison, explainKeySelection } from './jwt'
import {
  explainNotConform,
  explainNotJson,
  explainParseError,
  explainInvalidResponse,
  explainAttributeComparison,
} from './response'
import { explainTimestamp } from './timestamp'
import { explainUnsupported } from './unsupported'

export type OAuthCode =
  | typeof RESPONSE_IS_NOT_CONFORM
  | typeof RESPONSE_IS_NOT_JSON
  | typeof PARSE_ERROR
  | typeof INVALID_RESPONSE
  | typeof JSON_ATTRIBUTE_COMPARISON
  | typeof JWT_CLAIM_COMPARISON
  | typeof JWT_TIMESTAMP_CHECK
  | typeof KEY_SELECTION
  | typeof MISSING_SERVER_METADATA
  | typeof INVALID_SERVER_METADATA
  | typeof HTTP_REQUEST_FORBIDDEN
  | typeof REQUEST_PROTOCOL_FORBIDDEN
  | typeof INVALID_REQUEST
  | typeof JWT_USERINFO_EXPECTED
  | typeof UNSUPPORTED_OPERATION
  | typeof RESPONSE_BODY_ERROR
  | typeof AUTHORIZATION_RESPONSE_ERROR
  | typeof WWW_AUTHENTICATE_CHALLENGE

type OAuthHandler = (err: unknown, c: Ctx, message: string, code: string) => Finding

function metadataAttribute(err: unknown): string {
  return getString(get(err, 'cause'), 'attribute') ?? 'endpoint'
}

export const OAUTH_HANDLERS: Record<OAuthCode, OAuthHandler> = {
  [RESPONSE_IS_NOT_CONFORM]: explainNotConform,
  [RESPONSE_IS_NOT_JSON]: explainNotJson,
  [PARSE_ERROR]: explainParseError,
  [INVALID_RESPONSE]: explainInvalidResponse,
  [JSON_ATTRIBUTE_COMPARISON]: explainAttributeComparison,
  [JWT_CLAIM_COMPARISON]: explainClaimComparison,
  [JWT_TIMESTAMP_CHECK]: explainTimestamp,
  [KEY_SELECTION]: explainKeySelection,
  [MISSING_SERVER_METADATA]: (err, c, message, code) => {
    const attribute = metadataAttribute(err)
    return finding('metadata-missing-endpoint', 'error', c.step, {
      title: `The server metadata has no ${clip(attribute, 60)}`,
      detail: `The flow needs ${clip(attribute, 60)}, but the metadata does not contain it${attribute === 'jwks_uri' ? ' (REQUIRED for OpenID Providers)' : attribute === 'token_endpoint' || attribute === 'authorization_endpoint' ? ' (REQUIRED unless only grants that do not use it are supported)' : ''}. You can also enter it by hand in the Configure step.${libraryText(message, code)}`,
      fix: `Add "${clip(attribute, 60)}" (an absolute https URL) to the metadata document.`,
      spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
      data: data({ attribute }),
    })
  },
  [INVALID_SERVER_METADATA]: (err, c, message, code) => {
    const attribute = metadataAttribute(err)
    return finding('metadata-invalid-endpoint', 'error', c.step, {
      title: `The server metadata ${clip(attribute, 60)} is not a valid URL`,
      detail: `The metadata member ${clip(attribute, 60)} is present but is not an absolute URL string (null, empty, relative, or not a string).${libraryText(message, code)}`,
      fix: `Set "${clip(attribute, 60)}" to an absolute https URL, or leave the member out if the endpoint does not exist (null is not the same as absent).`,
      spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
      data: data({ attribute }),
    })
  },
  [HTTP_REQUEST_FORBIDDEN]: (err, c, message, code) => {
    const url = show(get(err, 'cause'))
    // oauth4webapi refuses http unless the playground allows it, which it does only for loopback
    // hosts with the option on: a loopback URL here means the option is off; any other host never works.
    const loopback = URL.canParse(url === 'undefined' ? (c.url ?? '') : url)
      ? isLoopbackHost(new URL(url === 'undefined' ? (c.url ?? '') : url).hostname)
      : false
    return finding('insecure-endpoint', 'error', c.step, {
      title: 'An endpoint uses http:// where TLS is required',
      detail: `${url !== 'undefined' ? `${url} uses` : 'The endpoint uses'} plain http. OAuth endpoints must be served over TLS: codes, tokens and verifiers would otherwise travel in clear text. ${
        loopback
          ? 'This is a loopback host, which the playground allows for local testing only when "Allow http on loopback" is ticked in Configure — it is not.'
          : 'The playground allows http:// only for loopback hosts (localhost, 127.0.0.1, [::1]); this host is not one.'
      }${libraryText(message, code)}`,
      fix: loopback
        ? 'For a local test server, tick "Allow http on loopback" in Configure; a deployed server must use https.'
        : 'Serve the endpoint over https and advertise the https URL in the metadata.',
      spec: 'RFC 6749 §3.1, §3.2, §10.9; RFC 8414 §2',
      data: data({ url: url === 'undefined' ? c.url : url }),
    })
  },
  [REQUEST_PROTOCOL_FORBIDDEN]: (err, c, message, code) => {
    const url = show(get(err, 'cause'))
    return finding('bad-endpoint-scheme', 'error', c.step, {
      title: 'An endpoint URL has a scheme other than https',
      detail: `${url !== 'undefined' ? `${url} is` : 'The endpoint is'} not an http(s) URL (e.g. javascript:, data: or file:). The playground refuses to fetch or navigate to it.${libraryText(message, code)}`,
      fix: 'Advertise endpoints as absolute https URLs.',
      spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
      data: data({ url: url === 'undefined' ? c.url : url }),
    })
  },
  [INVALID_REQUEST]: (err, c, message, code) =>
    finding('resource-server-check-failed', 'error', c.step, {
      title: 'A resource-server request check failed',
      detail: `A check that a resource server makes on an incoming request (Authorization header, DPoP proof) failed. This is not part of the client flow the playground runs.${libraryText(message, code)}`,
      fix: 'Check the Authorization / DPoP headers of the request.',
      spec: 'RFC 6750 §2.1; RFC 9449 §7',
    }),
  [JWT_USERINFO_EXPECTED]: (err, c, message, code) =>
    finding('userinfo-jwt-expected', 'error', c.step, {
      title: 'UserInfo answered plain JSON where a signed JWT was expected',
      detail: `The client is registered for signed UserInfo responses (userinfo_signed_response_alg) but the endpoint returned application/json instead of application/jwt.${libraryText(message, code)}`,
      fix: 'Return the UserInfo response as a signed JWT (Content-Type application/jwt) for clients registered that way.',
      spec: 'OpenID Connect Core 1.0 §5.3.2',
    }),
  [UNSUPPORTED_OPERATION]: explainUnsupported,
  [RESPONSE_BODY_ERROR]: (err, c) => explainResponseBodyError(err, c),
  [AUTHORIZATION_RESPONSE_ERROR]: (err, c) => explainAuthorizationResponseError(err, c),
  [WWW_AUTHENTICATE_CHALLENGE]: (err, c) => explainChallenge(err, c),
}
