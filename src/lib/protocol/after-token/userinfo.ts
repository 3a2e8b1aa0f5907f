// The UserInfo endpoint (OpenID Connect Core 1.0 §5.3).
import * as oauth from 'oauth4webapi'
import type { Finding, FlowSnapshot, Severity } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import { asAuthorizationServer, insecureAllowed, readChallenges, type Challenge } from '../../platform/o4w'
import { clip, parseJsonObject } from '../../platform/text'
import { dpopChallengeFinding } from '../../diagnosis/dpop'
import type { DpopUse } from '../dpop'
import { explainError } from '../../diagnosis/explain'
import { finding } from '../../diagnosis/finding'
import { decodeToken } from '../../platform/jwt-decode'
import {
  exchangeSince,
  failureFinding,
  missingEndpoint,
  oauthClient,
  audiences,
  show,
  hiddenChallengeFinding,
  challengeData,
} from './shared'

export interface UserInfoOutcome {
  status: number
  /** The claims as returned (JSON), when the response was readable JSON. */
  claims?: Record<string, unknown>
  /** sub compared with the ID Token's: true/false, or 'not-checked' (no ID Token sub, or failure). */
  subMatches: boolean | 'not-checked'
  /** Parsed WWW-Authenticate challenges, when readable. */
  challenges?: Challenge[]
  findings: Finding[]
}

/**
 * GET userinfo with the access token (OIDC Core §5.3). `expectedSub` is the ID Token's sub; without
 * it the subject check is skipped. Step id "userinfo". Never throws.
 */
export async function userInfo(
  snapshot: FlowSnapshot,
  accessToken: string,
  expectedSub: string | undefined,
  recorder: Recorder,
  /** Send the (DPoP-bound) access token with a proof of this key: Authorization: DPoP + a DPoP header. */
  dpop?: DpopUse,
): Promise<UserInfoOutcome> {
  const step = 'userinfo'
  const findings: Finding[] = []
  const md = snapshot.metadata
  const endpoint = md?.userinfo_endpoint || snapshot.config.userinfo_endpoint
  if (!md || !endpoint) {
    return {
      status: 0,
      subMatches: 'not-checked',
      findings: [
        missingEndpoint(
          'userinfo-endpoint-missing',
          'info',
          step,
          'userinfo_endpoint',
          'UserInfo',
          'OpenID Connect Discovery 1.0 §3',
        ),
      ],
    }
  }
  const as = { ...asAuthorizationServer(md), userinfo_endpoint: endpoint }
  const client = oauthClient(snapshot)
  recorder.label = 'UserInfo (OpenID Connect Core §5.3)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.userInfoRequest(as, client, accessToken, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(endpoint, snapshot.config.allow_insecure_loopback),
      ...(dpop ? { DPoP: dpop.handle } : {}),
    })
  } catch (err) {
    findings.push(failureFinding(err, exchangeSince(recorder, before), { step, operation: 'userinfo', url: endpoint }))
    return { status: 0, subMatches: 'not-checked', findings }
  }
  const ex = exchangeSince(recorder, before)
  const json = parseJsonObject(ex?.response?.body)
  try {
    const claims = await oauth.processUserInfoResponse(as, client, expectedSub ?? oauth.skipSubjectCheck, response)
    const out: UserInfoOutcome = {
      status: response.status,
      claims: json ?? { ...claims },
      subMatches: expectedSub === undefined ? 'not-checked' : true,
      findings,
    }
    if (expectedSub === undefined) {
      findings.push(
        finding('userinfo-sub-not-compared', 'info', step, {
          title: 'UserInfo sub not compared (no ID Token)',
          detail: `UserInfo returned sub ${show(claims.sub)}, but there is no ID Token sub to compare it with. A client must only use UserInfo claims after checking that sub equals the ID Token's sub.`,
          fix: 'Request the openid scope so that an ID Token is issued.',
          spec: 'OpenID Connect Core 1.0 §5.3.2',
        }),
      )
    }
    return out
  } catch (err) {
    const challenges = readChallenges(err)
    const f = explainError(err, { step, operation: 'userinfo', url: endpoint })
    if (challenges.length || response.status === 401 || response.status === 403) {
      const hidden = hiddenChallengeFinding(step, 'UserInfo endpoint', ex)
      if (hidden) findings.push(hidden)
      findings.push(
        dpopChallengeFinding(challenges, response.status, step, 'the UserInfo endpoint') ??
          userInfoRejected(accessToken, response.status, challenges, snapshot, endpoint),
      )
    } else {
      findings.push(f)
    }
    const mismatch = f.id === 'userinfo-sub-mismatch'
    return {
      status: response.status,
      ...(json && response.status === 200 ? { claims: json } : {}),
      subMatches: mismatch ? false : 'not-checked',
      ...(challenges.length ? { challenges } : {}),
      findings,
    }
  }
}

function userInfoRejected(
  accessToken: string,
  status: number,
  challenges: Challenge[],
  snapshot: FlowSnapshot,
  endpoint: string,
): Finding {
  const d = challenges.length ? challengeData(challenges, status) : { status }
  const decoded = decodeToken(accessToken)
  const issuer = snapshot.metadata?.issuer ?? snapshot.config.issuer
  let hint = ''
  let severity: Severity = 'warning'
  if (decoded.format === 'jwt') {
    const aud = audiences(decoded.payload.aud)
    const forUserInfo = aud.some((a) => a === issuer || a === endpoint || a === snapshot.config.client_id)
    if (aud.length && !forUserInfo) {
      severity = 'info'
      hint = ` The access token is a JWT whose audience is ${show(decoded.payload.aud)} — a resource server (RFC 8707 resource indicator), not the UserInfo endpoint. Many servers (oidc-provider among them) only accept at UserInfo an access token issued for UserInfo itself, i.e. one requested without a resource parameter; an audience-restricted token being refused elsewhere is correct behaviour (RFC 9068 §4, RFC 8707 §2).`
      d.aud = aud.map((a) => clip(a, 200))
    }
  }
  const error = typeof d.error === 'string' ? d.error : undefined
  return finding('userinfo-token-rejected', severity, 'userinfo', {
    title: `UserInfo refused the access token (HTTP ${status}${error ? `, ${error}` : ''})`,
    detail: `The UserInfo endpoint answered ${status}${
      challenges.length
        ? ` with WWW-Authenticate ${show(
            challenges
              .map(
                (c) =>
                  `${c.scheme} ${Object.entries(c.parameters)
                    .map(([k, v]) => `${k}="${v}"`)
                    .join(', ')}`,
              )
              .join('; '),
          )}`
        : ' and no readable challenge'
    }.${hint}`,
    fix: hint
      ? 'To test UserInfo, run the flow without a resource (and make the server issue a UserInfo-capable access token when no resource is requested). Otherwise nothing to fix.'
      : 'Accept at UserInfo the access tokens issued with the openid scope (OpenID Connect Core §5.3.1), or document which token it expects.',
    spec: 'OpenID Connect Core 1.0 §5.3.1, §5.3.3; RFC 6750 §3.1',
    data: d,
  })
}
