/**
 * explainError: turns any thrown value into a human {@link Finding}: what happened, why it matters,
 * what to change and which spec section the rule comes from. One module per kind of failure:
 * oauth4webapi codes (oauth4webapi.ts dispatching to response.ts, error-response.ts,
 * authorization-response.ts, challenge.ts, jwt.ts, timestamp.ts, unsupported.ts), jose codes (jose.ts),
 * fetch TypeErrors (network.ts) and the rest (fallback.ts); context.ts holds what they share and
 * oauth-error-codes.ts the OAuth error code table.
 *
 * Pure and DOM-free. Errors are classified by their class and stable `code` (oauth4webapi `OAUTH_*`
 * codes, jose `ERR_*` codes, `DOMException` names); library messages are only used as a secondary
 * discriminator where one code covers several situations (e.g. `OAUTH_INVALID_RESPONSE` for both a
 * `state` mismatch and a missing `access_token`). {@link explainError} never throws.
 */
export type { ExplainContext } from './context'
export { OAUTH_ERROR_CODES, type OAuthErrorCodeInfo } from './oauth-error-codes'
export { explainError } from './explain-error'
