/**
 * Everything that needs the protocol and crypto libraries, behind one dynamic import so that the
 * first view (the Configure form) loads without them. The driver calls `loadEngine()`.
 */
export { discover } from './discovery'
export { makePkce, newVerifier, computeChallenge, explainPkce } from './pkce'
export { buildAuthorizationRequest, newStateAndNonce } from './authorize'
export { cleanCallbackUrl, handleCallback, revalidate } from './callback'
export { exchangeCode, previewTokenRequest } from './token'
export { fetchJwks, inspectTokens } from './tokens'
export { explainError } from './explain'
export { describeClaims, decodeToken } from './jwt'
export { HEADER_MEANINGS } from './claims'
export { buildReport, computeVerdict, reportToMarkdown, REPORT_FILENAME } from './report'
export { parsePastedResponse, tokensFromBody } from './pasteback'
export { lintTokenResponse, lintMetadata, lintJwks, lintCors } from './lint'
export { runCorsCheck } from './corscheck'
export {
  probeMcp,
  canonicalMcpUrl,
  discoverProtectedResource,
  discoverAuthorizationServer,
  chooseScopes,
  registerClient,
  mcpSession,
  crossChecks,
} from './mcp'
export { connectorReadiness } from './readiness'
export { refreshTokens, userInfo, introspect, revoke, callResource } from './aftertoken'
export { PROBES, judgeProbeCallback, runProbeExchange } from './probes'
