// An authorization server metadata document (RFC 8414 §2, §3; OpenID Connect Discovery 1.0 §3).
import { isLoopbackHost } from '../../platform/network'
import type { ClientAuthMethod, Finding, Severity, StepRef } from '../../model/types'
import { finding } from '../finding'
import { plain, quote, showJson, jsonType, isRecord, own, essence } from './shared'

/** Context of {@link lintMetadata}. */
export interface MetadataLintContext {
  /** The issuer the user configured (the one the metadata URL was built from). */
  expectedIssuer: string
  /** The URL the document came from. OIDC rules apply when it ends with openid-configuration. */
  source: string
  /** The Content-Type the document was served with, if recorded. */
  contentType?: string
  /** The client authentication method the playground uses. */
  clientAuth: ClientAuthMethod
  /** The page origin (for mixed-content notes). */
  pageOrigin?: string
  /**
   * The client asks for OpenID Connect (scope contains openid): the OIDC rules then apply whatever
   * well-known URL the document came from (a path issuer is found at the RFC 8414 URL first).
   */
  openid?: boolean
  /** Step of the findings; default "discovery". */
  step?: StepRef
  /** "Allow http on loopback" in Configure (default true), for the wording of http endpoints. */
  allowInsecureLoopback?: boolean
}

const URL_ENDPOINT_MEMBERS = /(_endpoint|^jwks_uri)$/
const DOC_URL_MEMBERS = ['service_documentation', 'op_policy_uri', 'op_tos_uri']
/** `*_supported` members that are booleans; every other `*_supported` member is an array. */
const BOOLEAN_SUPPORTED = /(_parameter|_logout|_session)_supported$|^client_id_metadata_document_supported$/

/**
 * Lints an authorization server metadata document (RFC 8414 or OpenID Connect Discovery) as the
 * server sent it. Never throws.
 *
 * @param doc The parsed JSON document.
 * @param ctx Expected issuer, source URL, content-type, client auth method, page origin.
 * @see [RFC 8414 §2, §3.2, §3.3](https://www.rfc-editor.org/rfc/rfc8414.html#section-2)
 * @see [OpenID Connect Discovery 1.0 §3, §4.3](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata)
 */
export function lintMetadata(doc: Record<string, unknown>, ctx: MetadataLintContext): Finding[] {
  const out: Finding[] = []
  const step = typeof ctx?.step === 'string' && ctx.step ? ctx.step : 'discovery'
  try {
    lintMetadataInner(doc, ctx, step, out)
  } catch {
    // never throw
  }
  return out
}

function lintMetadataInner(doc: unknown, ctx: MetadataLintContext, step: StepRef, out: Finding[]): void {
  const source = typeof ctx.source === 'string' ? ctx.source : ''
  const oidc =
    /\/\.well-known\/openid-configuration(\/|$|\?)/.test(source) ||
    source.endsWith('openid-configuration') ||
    Boolean(ctx.openid)
  const docSpec = oidc ? 'OpenID Connect Discovery 1.0 §3' : 'RFC 8414 §2'

  if (ctx.contentType !== undefined && essence(ctx.contentType) !== 'application/json') {
    out.push(
      finding('metadata-content-type', 'warning', step, {
        title: `The metadata is served as ${ctx.contentType ? quote(ctx.contentType, 80) : 'no content-type'}`,
        detail: `The document parses as JSON, but the response Content-Type is ${ctx.contentType ? quote(ctx.contentType, 80) : 'empty'}; the spec requires application/json. oauth4webapi only checks it when parsing fails, other clients may reject it.`,
        fix: 'Serve the metadata with Content-Type: application/json.',
        spec: oidc ? 'OpenID Connect Discovery 1.0 §4.2' : 'RFC 8414 §3.2',
        data: { contentType: plain(ctx.contentType) },
      }),
    )
  }

  if (!isRecord(doc)) {
    out.push(
      finding('metadata-not-object', 'error', step, {
        title: 'The metadata document is not a JSON object',
        detail: `The metadata is ${jsonType(doc)}: ${showJson(doc)}. It must be one JSON object whose members are the metadata values.`,
        fix: 'Return a JSON object such as {"issuer": "https://…", "authorization_endpoint": "…", …}.',
        spec: oidc ? 'OpenID Connect Discovery 1.0 §4.2' : 'RFC 8414 §3.2',
      }),
    )
    return
  }

  const m: MetadataCheck = { doc, ctx, oidc, docSpec, step, out }
  lintRequiredMembers(m)
  lintEndpointUrls(m)
  lintIssuer(m)
  lintArrays(m)
  lintPkce(m)
  lintAuthMethods(m)
  lintCodeFlowSupport(m)
  lintContradictions(m)
  lintIssParameter(m)
  lintIdTokenAlgs(m)
  lintDocUrls(m)
  lintRegistration(m)
}

/** One metadata document being linted, and what every check needs to word its findings. */
interface MetadataCheck {
  doc: Record<string, unknown>
  ctx: MetadataLintContext
  /** True for OpenID Connect Discovery metadata (an openid-configuration URL, or openid requested). */
  oidc: boolean
  /** The spec that defines the document's members. */
  docSpec: string
  step: StepRef
  out: Finding[]
}

/** The members the document must have (more for OpenID Connect). */
function lintRequiredMembers(m: MetadataCheck): void {
  const { doc, oidc, docSpec, step, out } = m
  const required: Array<[string, Severity, string]> = [
    ['issuer', 'error', 'identifies the server; clients compare it with the issuer they expect'],
    ['authorization_endpoint', 'error', 'the browser is sent there to log in'],
    ['token_endpoint', 'error', 'the code is exchanged there'],
    [
      'response_types_supported',
      'warning',
      'most clients do not read it, but schema-validating clients do (the MCP TypeScript SDK parses metadata with a schema in which it is required) and reject the whole document',
    ],
  ]
  if (oidc) {
    required.push(['jwks_uri', 'error', 'ID Token signatures are verified with the keys published there'])
    required.push([
      'subject_types_supported',
      'warning',
      'REQUIRED by OpenID Connect Discovery; validators and some libraries reject the document',
    ])
    required.push([
      'id_token_signing_alg_values_supported',
      'warning',
      'without it clients assume RS256 only and reject ID Tokens signed otherwise',
    ])
  }
  for (const [member, severity, why] of required) {
    if (own(doc, member) !== undefined) continue
    out.push(
      finding('metadata-missing-member', severity, step, {
        title: `The metadata has no ${member}`,
        detail: `${member} is REQUIRED in ${oidc ? 'OpenID Connect Discovery' : 'RFC 8414'} metadata: ${why}.${member.endsWith('_endpoint') || member === 'jwks_uri' ? ' You can enter it by hand in Configure to go on.' : ''}`,
        fix: `Add "${member}" to the metadata document.`,
        spec: docSpec,
        data: { member },
      }),
    )
  }
}

/**
 * URL-valued endpoints: type, absolute URL, https. One finding per cause: every endpoint on plain http
 * of a loopback host in one note, every other non-https endpoint in one error (data.members lists them).
 */
function lintEndpointUrls(m: MetadataCheck): void {
  const { doc, ctx, docSpec, step, out } = m
  const pageHttps = typeof ctx.pageOrigin === 'string' && ctx.pageOrigin.startsWith('https:')
  const loopbackHttp: Array<[string, string]> = []
  const insecure: Array<[string, string, string]> = []
  for (const member of Object.keys(doc).slice(0, 200)) {
    if (!URL_ENDPOINT_MEMBERS.test(member)) continue
    const value = own(doc, member)
    const url = typeof value === 'string' ? parseUrl(value) : undefined
    if (!url) {
      out.push(
        finding('metadata-invalid-endpoint', 'error', step, {
          title: `The metadata ${plain(member, 60)} is not an absolute URL`,
          detail: `${plain(member, 60)} is ${showJson(value)}. Endpoint members are absolute URLs; null, an empty string or a relative path is invalid (null is not the same as absent).`,
          fix: `Set "${plain(member, 60)}" to an absolute https URL, or omit it if the endpoint does not exist.`,
          spec: docSpec,
          data: { member: plain(member, 60), value: showJson(value) },
        }),
      )
      continue
    }
    if (url.protocol === 'https:') continue
    if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) loopbackHttp.push([plain(member, 60), plain(value)])
    else insecure.push([plain(member, 60), plain(value), url.protocol.replace(/:$/, '')])
  }
  if (insecure.length) {
    const schemes = new Set(insecure.map(([, , scheme]) => scheme))
    out.push(
      finding('metadata-endpoint-not-https', 'error', step, {
        title:
          insecure.length === 1
            ? `${insecure[0]?.[0]} is not an https URL`
            : `${insecure.length} endpoints are not https URLs: ${insecure.map(([member]) => member).join(', ')}`,
        detail: `${insecure.map(([member, value]) => `${member} ${quote(value, 120)}`).join('; ')}. OAuth endpoints MUST use TLS: codes and tokens would travel in clear text.${schemes.has('http') && pageHttps ? ' The browser also blocks these requests from an https page (mixed content).' : ''}${[...schemes].some((x) => x !== 'http') ? ' A non-http(s) scheme (javascript:, data:, file:) is never followed by the playground.' : ''}`,
        fix: 'Serve these endpoints over https and advertise the https URLs in the metadata.',
        spec: 'RFC 6749 §3.1, §3.2; RFC 8414 §2; RFC 9700 §2.6',
        data: { members: insecure.map(([member]) => member), urls: insecure.map(([, value]) => value) },
      }),
    )
  }
  if (loopbackHttp.length) {
    const allowed = ctx.allowInsecureLoopback !== false
    out.push(
      finding('metadata-endpoint-not-https', 'info', step, {
        title: `${loopbackHttp.length === 1 ? `${loopbackHttp[0]?.[0]} uses` : `${loopbackHttp.length} endpoints use`} http:// on a loopback host (local testing only)`,
        detail: `${loopbackHttp.map(([member]) => member).join(', ')} ${loopbackHttp.length === 1 ? 'is' : 'are'} plain http on this machine. ${
          allowed
            ? 'The playground allows that for local testing ("Allow http on loopback" is on);'
            : 'Tick "Allow http on loopback" in Configure to use a local test server;'
        } a deployed server must use https.`,
        fix: 'Nothing to fix for a local test server; serve a deployed one over https.',
        spec: 'RFC 6749 §3.1, §3.2; RFC 8414 §2; RFC 9700 §2.6',
        data: { members: loopbackHttp.map(([member]) => member), urls: loopbackHttp.map(([, value]) => value) },
      }),
    )
  }
}

/** The issuer: its shape, and the identity the client expects. */
function lintIssuer(m: MetadataCheck): void {
  const { doc, ctx, oidc, docSpec, step, out } = m
  const issuer = own(doc, 'issuer')
  if (issuer !== undefined && typeof issuer !== 'string') {
    out.push(arrayOrType('issuer', issuer, 'a string', step, docSpec, 'error'))
  } else if (typeof issuer === 'string') {
    const url = parseUrl(issuer)
    const problems: string[] = []
    if (!url) problems.push('it is not an absolute URL')
    else {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
        problems.push(`it uses ${url.protocol} instead of https`)
      if (url.search || issuer.includes('?')) problems.push('it has a query component')
      if (url.hash || issuer.includes('#')) problems.push('it has a fragment component')
    }
    if (problems.length) {
      out.push(
        finding('issuer-invalid', 'error', step, {
          title: 'The issuer identifier is not a valid issuer URL',
          detail: `The issuer ${quote(issuer)} is invalid: ${problems.join('; ')}. An issuer is an https URL with no query or fragment.`,
          fix: 'Use an https URL without query or fragment as the issuer, identical everywhere (metadata, tokens, iss parameter).',
          spec: `RFC 8414 §2; ${oidc ? 'OpenID Connect Discovery 1.0 §3' : 'RFC 9207 §2'}`,
          data: { issuer: plain(issuer) },
        }),
      )
    }
    const expected = typeof ctx.expectedIssuer === 'string' ? ctx.expectedIssuer : ''
    if (expected && issuer !== expected) {
      out.push(issuerMismatch(issuer, expected, oidc, step))
    }
  }
}

/** Zero-element arrays, and the types of the *_supported members. */
function lintArrays(m: MetadataCheck): void {
  const { doc, oidc, docSpec, step, out } = m
  for (const member of Object.keys(doc).slice(0, 200)) {
    const value = own(doc, member)
    if (Array.isArray(value) && value.length === 0) {
      out.push(
        finding('metadata-zero-element-array', 'warning', step, {
          title: `${plain(member, 60)} is an empty array`,
          detail: `${plain(member, 60)} is []. Claims with zero elements MUST be omitted from the metadata response. An empty list is ambiguous: some clients read it as "nothing supported", others as "not stated" (and then apply the default).`,
          fix: `Omit "${plain(member, 60)}" or list the supported values.`,
          spec: oidc ? 'RFC 8414 §3.2; OpenID Connect Discovery 1.0 §4.2' : 'RFC 8414 §3.2',
          data: { member: plain(member, 60) },
        }),
      )
    } else if (member.endsWith('_supported') && value !== undefined) {
      const wantsBoolean = BOOLEAN_SUPPORTED.test(member)
      if (wantsBoolean && typeof value !== 'boolean')
        out.push(arrayOrType(member, value, 'a JSON boolean (true or false)', step, docSpec))
      else if (!wantsBoolean && !Array.isArray(value))
        out.push(arrayOrType(member, value, 'a JSON array of strings', step, docSpec))
    }
  }
}

/** PKCE: S256 must be advertised. */
function lintPkce(m: MetadataCheck): void {
  const { doc, step, out } = m
  const methods = own(doc, 'code_challenge_methods_supported')
  const methodList = Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : undefined
  if (!methodList || !methodList.includes('S256')) {
    const absent = methods === undefined
    out.push(
      finding('pkce-s256-not-advertised', 'error', step, {
        title: absent
          ? 'The metadata does not advertise PKCE (no code_challenge_methods_supported)'
          : `The metadata does not advertise S256 PKCE (${methodList && methodList.length ? methodList.map((m) => plain(m, 20)).join(', ') : showJson(methods, 60)})`,
        detail: `${absent ? 'RFC 8414 §2: if code_challenge_methods_supported is omitted, the server does not support PKCE.' : 'S256 is not listed; it is mandatory to implement for servers (RFC 7636 §4.2), and plain exposes the verifier to anyone who sees the authorization request.'} Under the MCP authorization spec, MCP clients (such as the ChatGPT and Claude connectors and the MCP SDKs) MUST refuse to proceed when PKCE support is not advertised, so they stop here. For plain OAuth clients it means "no PKCE": the server may still enforce it, which the playground can only learn by trying.`,
        fix: 'Support PKCE with S256 and advertise it: "code_challenge_methods_supported": ["S256"].',
        spec: 'RFC 8414 §2; RFC 7636 §4.2; RFC 9700 §2.1.1; MCP Authorization (Authorization Code Protection)',
        data: {
          methods: methodList ? methodList.slice(0, 10).map((m) => plain(m, 40)) : absent ? null : showJson(methods),
        },
      }),
    )
  }
}

/** The token endpoint authentication methods, compared with the configured one. */
function lintAuthMethods(m: MetadataCheck): void {
  const { doc, ctx, step, out } = m
  const authMethods = own(doc, 'token_endpoint_auth_methods_supported')
  const authList = Array.isArray(authMethods)
    ? authMethods.filter((m): m is string => typeof m === 'string')
    : undefined
  const effective = authList ?? ['client_secret_basic']
  if (ctx.clientAuth === 'none' && !effective.includes('none')) {
    out.push(
      finding('auth-method-none-not-advertised', 'info', step, {
        title: authList
          ? 'The server does not advertise "none" (public clients) at the token endpoint'
          : 'token_endpoint_auth_methods_supported is absent, so it defaults to client_secret_basic',
        detail: `${authList ? `token_endpoint_auth_methods_supported is ${showJson(authList, 200)}, without "none".` : 'When token_endpoint_auth_methods_supported is omitted, the default is client_secret_basic: a client reads the server as not accepting public clients.'} A browser app cannot keep a secret, so it authenticates with "none" (browser-apps §6.3.3.1: the server MUST NOT require a shared secret from it), and the ChatGPT and Claude connectors register with token_endpoint_auth_method "none" via dynamic registration. Expect invalid_client at the token endpoint if the server really requires a secret.`,
        fix: 'Accept public clients and add "none" to token_endpoint_auth_methods_supported.',
        spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3; draft-ietf-oauth-browser-based-apps §6.3.3.1; RFC 7591 §2',
        data: { methods: authList ? authList.slice(0, 10).map((m) => plain(m, 40)) : null },
      }),
    )
  } else if (ctx.clientAuth !== 'none' && typeof ctx.clientAuth === 'string' && !effective.includes(ctx.clientAuth)) {
    out.push(
      finding('auth-method-not-advertised', 'warning', step, {
        title: `The server does not advertise ${ctx.clientAuth}`,
        detail: `The playground is set to authenticate with ${ctx.clientAuth}, but the server lists ${showJson(effective, 200)}${authList ? '' : ' (the default when token_endpoint_auth_methods_supported is absent)'}. Expect invalid_client.`,
        fix: 'Use a method the server advertises in Configure, or enable this one on the server.',
        spec: 'RFC 8414 §2; RFC 6749 §2.3',
        data: { method: ctx.clientAuth, methods: effective.slice(0, 10).map((m) => plain(m, 40)) },
      }),
    )
  }
}

/** response_types / grant_types / response_modes: the code flow, answered in the query. */
function lintCodeFlowSupport(m: MetadataCheck): void {
  const { doc, docSpec, step, out } = m
  const responseTypes = own(doc, 'response_types_supported')
  if (Array.isArray(responseTypes) && responseTypes.length > 0 && !responseTypes.includes('code')) {
    out.push(
      finding('response-type-code-not-supported', 'error', step, {
        title: 'The server does not list response_type "code"',
        detail: `response_types_supported is ${showJson(responseTypes, 200)}: the authorization code flow (response_type=code) is not offered.`,
        fix: 'Enable the authorization code flow and list "code" in response_types_supported.',
        spec: `${docSpec}; RFC 6749 §4.1.1`,
        data: { values: responseTypes.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }
  const grantTypes = own(doc, 'grant_types_supported')
  if (Array.isArray(grantTypes) && grantTypes.length > 0 && !grantTypes.includes('authorization_code')) {
    out.push(
      finding('grant-type-code-not-supported', 'error', step, {
        title: 'The server does not list the authorization_code grant',
        detail: `grant_types_supported is ${showJson(grantTypes, 200)}, without "authorization_code" (the default when omitted is ["authorization_code", "implicit"]).`,
        fix: 'Enable the authorization_code grant and list it in grant_types_supported.',
        spec: docSpec,
        data: { values: grantTypes.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }
  const responseModes = own(doc, 'response_modes_supported')
  if (Array.isArray(responseModes) && responseModes.length > 0 && !responseModes.includes('query')) {
    out.push(
      finding('response-mode-query-not-supported', 'warning', step, {
        title: 'The server does not list response_mode "query"',
        detail: `response_modes_supported is ${showJson(responseModes, 200)}. The code flow returns its response in the query by default, which is the only mode a static page can read (form_post needs a server).`,
        fix: 'Support and list "query" in response_modes_supported (or omit the member: the default is ["query", "fragment"]).',
        spec: `${docSpec}; OAuth 2.0 Multiple Response Type Encoding Practices §2.1`,
        data: { values: responseModes.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined

/**
 * Members that contradict each other: each is valid alone, together they cannot both be true. One
 * finding lists every contradiction; a warning when a client following the metadata cannot comply
 * (PAR required without an endpoint), a note otherwise (the code flow is not affected).
 */
function lintContradictions(m: MetadataCheck): void {
  const { doc, docSpec, step, out } = m
  const found: { text: string; blocking: boolean }[] = []
  const responseTypes = strings(own(doc, 'response_types_supported'))
  const grantTypes = strings(own(doc, 'grant_types_supported'))
  // RFC 7591 §2.1: response_type "code" goes with grant authorization_code, any "token" with implicit.
  if (responseTypes && grantTypes && grantTypes.length > 0) {
    const implicit = responseTypes.filter((t) => t.split(' ').includes('token'))
    if (implicit.length > 0 && !grantTypes.includes('implicit')) {
      found.push({
        text: `response_types_supported offers ${implicit.map((t) => `"${plain(t, 30)}"`).join(', ')} (the implicit grant) while grant_types_supported does not list "implicit"`,
        blocking: false,
      })
    }
  }
  // RFC 8414 §2: the signing algorithms MUST be listed when a JWT-based client authentication is.
  const authMethods = strings(own(doc, 'token_endpoint_auth_methods_supported')) ?? []
  const jwtAuth = authMethods.filter((a) => a === 'private_key_jwt' || a === 'client_secret_jwt')
  if (jwtAuth.length > 0 && own(doc, 'token_endpoint_auth_signing_alg_values_supported') === undefined) {
    found.push({
      text: `token_endpoint_auth_methods_supported lists ${jwtAuth.map((a) => `"${a}"`).join(' and ')} but token_endpoint_auth_signing_alg_values_supported is absent (RFC 8414 §2: it MUST be present then)`,
      blocking: false,
    })
  }
  // RFC 9126 §5: requiring PAR without publishing its endpoint leaves clients no way to comply.
  if (own(doc, 'require_pushed_authorization_requests') === true) {
    const par = own(doc, 'pushed_authorization_request_endpoint')
    if (typeof par !== 'string' || par === '') {
      found.push({
        text: 'require_pushed_authorization_requests is true but pushed_authorization_request_endpoint is absent: a client cannot push its request anywhere',
        blocking: true,
      })
    }
  }
  if (found.length === 0) return
  const blocking = found.some((f) => f.blocking)
  out.push(
    finding('metadata-contradictory', blocking ? 'warning' : 'info', step, {
      title:
        found.length === 1
          ? 'Two metadata members contradict each other'
          : `${found.length} pairs of metadata members contradict each other`,
      detail: `${found.map((f) => f.text).join('; ')}.${blocking ? '' : ' The authorization code flow with PKCE is not affected, but clients and registration tools that read these members get contradictory answers.'}`,
      fix: 'Make the members agree: list only what the server really supports, in every member that describes it.',
      spec: `${docSpec}; RFC 8414 §2; RFC 7591 §2.1; RFC 9126 §5`,
      data: { contradictions: found.map((f) => f.text) },
    }),
  )
}

/** RFC 9207: iss in the authorization response. */
function lintIssParameter(m: MetadataCheck): void {
  const { doc, step, out } = m
  const issSupported = own(doc, 'authorization_response_iss_parameter_supported')
  if (issSupported !== true) {
    out.push(
      finding('iss-parameter-not-advertised', 'info', step, {
        title: 'RFC 9207 (iss in the authorization response) is not advertised',
        detail: `authorization_response_iss_parameter_supported is ${issSupported === undefined ? 'absent' : showJson(issSupported, 40)}. That is allowed, but the client then has no mix-up defence from the response itself. Clients of several servers (the MCP 2026 revision, ChatGPT) check iss when it is advertised — and reject the callback if it is advertised and then missing or different.`,
        fix: 'Consider sending iss with every authorization response (success and error) and advertising "authorization_response_iss_parameter_supported": true.',
        spec: 'RFC 9207 §2, §3; RFC 9700 §2.1, §4.4.2',
      }),
    )
  }
}

/** OpenID Connect: RS256 among the ID Token signing algorithms. */
function lintIdTokenAlgs(m: MetadataCheck): void {
  const { doc, oidc, step, out } = m
  const algs = own(doc, 'id_token_signing_alg_values_supported')
  if (oidc && Array.isArray(algs) && algs.length > 0 && !algs.includes('RS256')) {
    out.push(
      finding('id-token-rs256-not-advertised', 'warning', step, {
        title: 'id_token_signing_alg_values_supported does not include RS256',
        detail: `The server lists ${showJson(algs, 200)}. OpenID Connect Discovery §3: the list MUST include RS256. Clients that only support RS256 (the default) cannot verify the ID Tokens.`,
        fix: 'Support RS256 for ID Tokens and list it.',
        spec: 'OpenID Connect Discovery 1.0 §3; OpenID Connect Core 1.0 §15.1',
        data: { values: algs.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }
}

/** Documentation URLs that will be shown: https only. */
function lintDocUrls(m: MetadataCheck): void {
  const { doc, docSpec, step, out } = m
  for (const member of DOC_URL_MEMBERS) {
    const value = own(doc, member)
    if (value === undefined) continue
    const url = typeof value === 'string' ? parseUrl(value) : undefined
    if (url?.protocol === 'https:') continue
    out.push(
      finding('metadata-unsafe-url', 'warning', step, {
        title: `${member} is not an https URL; it is shown as text, not linked`,
        detail: `${member} is ${typeof value === 'string' ? quote(value, 200) : showJson(value)}. It is meant for people to open, so it must be an https URL. ${url && url.protocol !== 'http:' ? `A ${quote(url.protocol, 20)} URL can run script or load local data when clicked; ` : ''}The playground does not link it.`,
        fix: `Set "${member}" to an https URL, or omit it.`,
        spec: docSpec,
        data: { member, value: showJson(value) },
      }),
    )
  }
}

/** Client registration: dynamic registration or Client ID Metadata Documents. */
function lintRegistration(m: MetadataCheck): void {
  const { doc, step, out } = m
  if (own(doc, 'registration_endpoint') === undefined && own(doc, 'client_id_metadata_document_supported') !== true) {
    out.push(
      finding('registration-endpoint-missing', 'info', step, {
        title: 'No dynamic client registration (registration_endpoint) is advertised',
        detail:
          'Clients must be registered beforehand. That is fine for the playground (enter a client_id in Configure), but the ChatGPT and Claude connectors register themselves with RFC 7591 dynamic registration, or use a Client ID Metadata Document (client_id_metadata_document_supported); without either, users have to enter a client id by hand or the connector cannot connect.',
        fix: 'For MCP connectors: offer RFC 7591 registration (advertise registration_endpoint) or Client ID Metadata Documents.',
        spec: 'RFC 7591 §3; RFC 8414 §2; MCP Authorization (Client Registration)',
      }),
    )
  }
}

function issuerMismatch(actual: string, expected: string, oidc: boolean, step: StepRef): Finding {
  const strip = (s: string): string => s.replace(/\/+$/, '')
  let difference = 'other'
  if (strip(actual) === strip(expected)) difference = 'trailing-slash'
  else if (actual.toLowerCase() === expected.toLowerCase()) difference = 'case'
  else if (actual.replace(/^https?:/i, '') === expected.replace(/^https?:/i, '')) difference = 'scheme'
  const normalisedEqual = (() => {
    const a = parseUrl(actual)
    const b = parseUrl(expected)
    return a !== undefined && b !== undefined && a.href === b.href
  })()
  const explain: Record<string, string> = {
    'trailing-slash': 'They differ only by a trailing slash.',
    case: 'They differ only in letter case.',
    scheme: 'They differ in the scheme (http vs https).',
    other: '',
  }
  return finding('issuer-mismatch', 'error', step, {
    title: 'The metadata issuer is not identical to the issuer it was fetched for',
    detail: `The metadata says issuer ${quote(actual)} but was fetched for ${quote(expected)}. ${explain[difference] ?? ''} The two MUST be identical strings, compared character by character with no normalisation; otherwise the metadata MUST NOT be used (it protects against a server impersonating another).${normalisedEqual ? ' oauth4webapi compares the two after URL normalisation, so discovery passes here — but the ID Token iss and the RFC 9207 iss are compared exactly, and clients that apply RFC 8414 §3.3 to the letter compare the metadata issuer exactly, so the flow fails there.' : ''}`,
    fix: `Use one issuer spelling everywhere: the configured issuer, the "issuer" member, the iss claim of ID Tokens and the iss response parameter (e.g. ${quote(actual)} or ${quote(expected)}, not both).`,
    spec: `RFC 8414 §3.3, §4; ${oidc ? 'OpenID Connect Discovery 1.0 §4.3; ' : ''}RFC 9207 §2.4`,
    data: { expected: plain(expected), actual: plain(actual), difference },
  })
}

function arrayOrType(
  member: string,
  value: unknown,
  expected: string,
  step: StepRef,
  spec: string,
  severity: Severity = 'warning',
): Finding {
  return finding('metadata-member-type', severity, step, {
    title: `${plain(member, 60)} is not ${expected}`,
    detail: `The metadata member ${plain(member, 60)} is ${showJson(value)} (${jsonType(value)}); it must be ${expected}. Clients ignore it or reject the document.`,
    fix: `Send "${plain(member, 60)}" as ${expected}.`,
    spec,
    data: { member: plain(member, 60), type: jsonType(value) },
  })
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}
