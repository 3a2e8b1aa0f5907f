/**
 * Everything that needs the protocol and crypto libraries, behind one dynamic import so that the
 * first view (the Configure form) loads without them. The driver calls `loadEngine()`.
 */
export { reassess } from './reassess'
export { RUNNERS, callbackOutcome, dpopAlgFor } from './runners'
export {
  corsCheckSide,
  directProbeSide,
  finishProbeSide,
  introspectionSide,
  pastedTokenOutcome,
  probeAuthorization,
  refreshSide,
  resourceSide,
  revocationSide,
  userInfoSide,
} from './side-runners'
export { computeChallenge, explainPkce, newVerifier } from '../protocol/pkce'
export { cleanCallbackUrl, revalidate } from '../protocol/authorization-response'
export { previewTokenRequest } from '../protocol/token-exchange'
export { fetchJwks } from '../protocol/token-inspection'
export { explainError } from '../diagnosis/explain'
export { buildReport, computeVerdict, reportToMarkdown, REPORT_FILENAME } from '../diagnosis/report'
export { pageRecorder } from '../platform/page-recorder'
export { makeNoCorsProbe } from '../platform/network'
export { stepSummary } from '../teaching/summaries'
export { validateConfig } from '../protocol/config-check'
export { applySide, applyStep } from './outcome'
export { shareFragment } from './share'
export { dpopHandle, makeDpopKey, decodeProof } from '../protocol/dpop'
export { PROBES } from '../checks/probes'
export { sideBlocked } from './side-blocked'
export { linkSplit } from './link-split'
