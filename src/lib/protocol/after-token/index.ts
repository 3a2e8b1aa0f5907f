/**
 * After the token: refresh (refresh.ts; RFC 6749 §6, OIDC Core §12), UserInfo (userinfo.ts; OIDC Core
 * §5.3), introspection (introspection.ts; RFC 7662), revocation (revocation.ts; RFC 7009) and a call
 * to any protected resource (resource.ts; RFC 6750); shared.ts and client-auth.ts hold what they
 * share. Every protocol step goes through oauth4webapi with the recorder as its customFetch, so the
 * raw exchange is kept before the library processes it. No function here throws: every failure
 * becomes a finding.
 * @see https://www.rfc-editor.org/rfc/rfc6749.html#section-6
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokens
 * @see https://www.rfc-editor.org/rfc/rfc7662.html
 * @see https://www.rfc-editor.org/rfc/rfc7009.html
 * @see https://www.rfc-editor.org/rfc/rfc6750.html#section-3
 */
export { exchangeSince, failureFinding } from './shared'
export { refreshTokens, type RefreshOutcome, type RefreshOptions } from './refresh'
export { userInfo, type UserInfoOutcome } from './userinfo'
export { introspect, type IntrospectionOutcome } from './introspection'
export { revoke, type RevocationOutcome } from './revocation'
export { callResource, type ResourceRequest, type ResourceOutcome } from './resource'
export type { Challenge } from '../../platform/o4w'
