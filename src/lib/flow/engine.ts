/**
 * Everything that needs the protocol and crypto libraries, behind one dynamic import so that the
 * first view (the Configure form) loads without them. The driver calls `loadEngine()`.
 */
export { discover } from '../protocol/discovery'
export { makePkce, newVerifier, computeChallenge, explainPkce } from '../protocol/pkce'
export { buildAuthorizationRequest, newStateAndNonce } from '../protocol/authorize'
export { cleanCallbackUrl, handleCallback, revalidate } from '../protocol/authorization-response'
export { exchangeCode, previewTokenRequest } from '../protocol/token-exchange'
export { fetchJwks, inspectTokens } from '../protocol/token-inspection'
export { explainError } from '../diagnosis/explain'
export { decodeToken } from '../platform/jwt-decode'
export { describeClaims } from '../teaching/claims'
export { HEADER_MEANINGS } from '../teaching/claims'
export { buildReport, computeVerdict, reportToMarkdown, REPORT_FILENAME } from '../diagnosis/report'
export { parsePastedResponse, tokensFromBody } from '../protocol/pasteback'
export { lintTokenResponse, lintMetadata, lintJwks, lintCors } from '../diagnosis/lint'
export { runCorsCheck } from '../checks/cors-check'
export {
  probeMcp,
  canonicalMcpUrl,
  discoverProtectedResource,
  chooseScopes,
  registerClient,
  mcpSession,
  crossChecks,
} from '../mcp'
export { connectorReadiness } from '../mcp/readiness'
export { refreshTokens, userInfo, introspect, revoke, callResource } from '../protocol/after-token'
export { PROBES, judgeProbeCallback, runProbeExchange } from '../checks/probes'
