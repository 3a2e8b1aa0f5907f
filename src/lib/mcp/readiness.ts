/**
 * Connector readiness: the checklist that closes an MCP run. Each item is something the ChatGPT and
 * Claude connectors depend on, judged from the run's findings (by id) and a few plain facts the
 * run observed. Pure; no findings of its own.
 */
import type { Finding } from '../model/types'

export type ReadinessStatus = 'pass' | 'fail' | 'warn' | 'unknown'

export interface ReadinessItem {
  /** Stable key of the item. */
  key: string
  item: string
  status: ReadinessStatus
  /** Ids of the findings that decided the status (in the order they were raised). */
  findingIds: string[]
  note: string
}

/** What the run saw; leave a fact undefined when the run did not get that far. */
export interface ReadinessFacts {
  /** HTTP status of the unauthenticated initialize (0: no answer). */
  probeStatus?: number
  /** A Bearer challenge was read from the 401. */
  challengeSeen?: boolean
  challengeHasResourceMetadata?: boolean
  /** Protected resource metadata was found and accepted. */
  prmFound?: boolean
  /** Authorization server metadata was found and accepted. */
  metadataFound?: boolean
  codeChallengeMethods?: string[]
  tokenEndpointAuthMethods?: string[]
  registrationEndpoint?: boolean
  cimdSupported?: boolean
  /** How the client id was obtained in this run. */
  registration?: 'pre-registered' | 'cimd' | 'dcr' | 'none'
  /** The token endpoint auth method the client ended up registered with. */
  registeredAuthMethod?: string
  /** authorization_response_iss_parameter_supported from the metadata. */
  issAdvertised?: boolean
  /** The callback's iss (null: absent); undefined: no callback in this run. */
  callbackIss?: string | null
  /** The token endpoint answered with a JSON body (success or error); undefined: not reached. */
  tokenResponseJson?: boolean
  /** The MCP server accepted the token (initialize + tools/list worked). */
  mcpSessionOk?: boolean
}

export interface ReadinessInput {
  findings: Finding[]
  facts: ReadinessFacts
}

export const HOST_SIDE_ITEM =
  "Host-side problems (WAF/IP/bot rules blocking the connector's servers, its redirect URI shapes) cannot be seen from a browser"

interface Rule {
  key: string
  item: string
  ids: string[]
  /** Verdict from facts alone, when no finding decided it. */
  fromFacts: (f: ReadinessFacts) => { status: ReadinessStatus; note: string }
}

const RULES: Rule[] = [
  {
    key: 'challenge',
    item: 'The 401 challenge: WWW-Authenticate: Bearer resource_metadata="…" (readable cross-origin)',
    ids: [
      'mcp-unreachable',
      'mcp-url-invalid',
      'mcp-probe-unexpected-status',
      'www-authenticate-missing',
      'mcp-www-authenticate-not-exposed',
      'www-authenticate-unparseable',
      'mcp-challenge-not-bearer',
      'mcp-challenge-no-resource-metadata',
    ],
    fromFacts: (f) => {
      if (f.probeStatus === undefined) return { status: 'unknown', note: 'The MCP server was not probed.' }
      if (f.probeStatus >= 200 && f.probeStatus < 300)
        return { status: 'unknown', note: 'The server needs no authorization, so connectors will not run OAuth.' }
      if (f.challengeSeen && f.challengeHasResourceMetadata)
        return { status: 'pass', note: 'A 401 with a Bearer challenge naming the resource metadata.' }
      if (f.challengeSeen) return { status: 'warn', note: 'A Bearer challenge, without resource_metadata.' }
      return { status: 'unknown', note: 'No challenge was read.' }
    },
  },
  {
    key: 'prm',
    item: 'Protected Resource Metadata (RFC 9728) with resource = the MCP URL and an authorization server',
    ids: ['prm-missing', 'prm-resource-mismatch', 'prm-no-authorization-servers', 'prm-challenge-url-failed'],
    fromFacts: (f) =>
      f.prmFound
        ? { status: 'pass', note: 'Found, resource matches, names an authorization server.' }
        : { status: 'unknown', note: 'Not reached.' },
  },
  {
    key: 'metadata',
    item: 'Authorization server metadata (RFC 8414 or OpenID Connect Discovery), as JSON, with CORS',
    ids: [
      'discovery-failed',
      'issuer-mismatch',
      'cors-blocked',
      'endpoint-unreachable',
      'response-not-json',
      'metadata-missing-endpoint',
      'metadata-invalid-endpoint',
    ],
    fromFacts: (f) =>
      f.metadataFound ? { status: 'pass', note: 'Found and accepted.' } : { status: 'unknown', note: 'Not reached.' },
  },
  {
    key: 's256',
    item: 'PKCE S256 advertised in code_challenge_methods_supported',
    ids: ['mcp-pkce-not-advertised', 'pkce-s256-not-advertised'],
    fromFacts: (f) => {
      if (!f.codeChallengeMethods)
        return {
          status: f.metadataFound ? 'fail' : 'unknown',
          note: f.metadataFound ? 'Not advertised.' : 'Not reached.',
        }
      return f.codeChallengeMethods.includes('S256')
        ? { status: 'pass', note: 'S256 is advertised.' }
        : { status: 'fail', note: `Only ${f.codeChallengeMethods.join(', ') || 'nothing'} advertised.` }
    },
  },
  {
    key: 'auth-none',
    item: 'Public client: token_endpoint_auth_method "none" accepted',
    ids: ['registration-changed-metadata', 'auth-method-none-not-advertised'],
    fromFacts: (f) => {
      if (f.registeredAuthMethod && f.registeredAuthMethod !== 'none')
        return { status: 'fail', note: `The client was registered as ${f.registeredAuthMethod}.` }
      if (f.registeredAuthMethod === 'none') return { status: 'pass', note: 'Registered as a public client.' }
      if (f.tokenEndpointAuthMethods)
        return f.tokenEndpointAuthMethods.includes('none')
          ? { status: 'pass', note: '"none" is in token_endpoint_auth_methods_supported.' }
          : { status: 'warn', note: '"none" is not in token_endpoint_auth_methods_supported.' }
      return { status: 'unknown', note: 'Not reached.' }
    },
  },
  {
    key: 'registration',
    item: 'Client registration: Dynamic Client Registration (201, client_id) or Client ID Metadata Documents',
    ids: [
      'registration-unavailable',
      'registration-rejected',
      'registration-status-not-201',
      'registration-client-id-missing',
    ],
    fromFacts: (f) => {
      if (f.registration === 'dcr') return { status: 'pass', note: 'Dynamic Client Registration worked.' }
      if (f.registration === 'cimd') return { status: 'pass', note: 'The server accepts Client ID Metadata Documents.' }
      if (f.registrationEndpoint || f.cimdSupported)
        return {
          status: 'pass',
          note: `Advertised: ${[f.registrationEndpoint ? 'registration_endpoint' : '', f.cimdSupported ? 'client_id_metadata_document_supported' : ''].filter(Boolean).join(', ')}.`,
        }
      if (f.registration === 'pre-registered' || f.metadataFound)
        return {
          status: 'warn',
          note: 'Neither DCR nor CIMD is advertised: each connector needs a client registered by hand (where the host supports it).',
        }
      return { status: 'unknown', note: 'Not reached.' }
    },
  },
  {
    key: 'iss',
    item: 'iss in the authorization response (RFC 9207) when advertised, identical to the issuer',
    ids: ['iss-missing', 'issuer-mismatch'],
    fromFacts: (f) => {
      if (f.issAdvertised === undefined) return { status: 'unknown', note: 'Not reached.' }
      if (!f.issAdvertised)
        return {
          status: 'pass',
          note: 'Not advertised, so not required (ChatGPT then uses per-connector callback URLs).',
        }
      if (f.callbackIss === undefined) return { status: 'unknown', note: 'Advertised; no authorization response yet.' }
      return f.callbackIss === null
        ? { status: 'fail', note: 'Advertised but absent from the authorization response.' }
        : { status: 'pass', note: 'Advertised and present.' }
    },
  },
  {
    key: 'json-token',
    item: 'JSON token and error responses from the token endpoint',
    ids: [
      'token-response-not-json',
      'token-response-content-type',
      'token-response-not-object',
      'token-response-error-with-200',
      'token-response-5xx',
      'response-status-5xx',
      'error-response-not-json',
      'error-response-invalid',
      'expires-in-not-number',
      'token-type-not-bearer',
    ],
    fromFacts: (f) =>
      f.tokenResponseJson === undefined
        ? { status: 'unknown', note: 'The token endpoint was not reached.' }
        : f.tokenResponseJson
          ? { status: 'pass', note: 'The token endpoint answered JSON.' }
          : { status: 'fail', note: 'The token endpoint did not answer JSON.' },
  },
  {
    key: 'audience',
    item: 'resource parameter honoured: access token audience = the MCP URL, accepted by the MCP server',
    ids: ['access-token-audience-mismatch', 'mcp-token-rejected', 'granted-scope-narrower'],
    fromFacts: (f) =>
      f.mcpSessionOk === undefined
        ? { status: 'unknown', note: 'The MCP server was not called with a token.' }
        : f.mcpSessionOk
          ? { status: 'pass', note: 'The MCP server accepted the token.' }
          : { status: 'fail', note: 'The MCP server did not accept the token.' },
  },
]

function worst(findings: Finding[]): 'fail' | 'warn' | undefined {
  if (findings.some((f) => f.severity === 'error')) return 'fail'
  if (findings.some((f) => f.severity === 'warning')) return 'warn'
  return undefined
}

/**
 * Builds the checklist. A rule's status is "fail" when one of its findings is an error, "warn"
 * when one is a warning, otherwise it comes from the facts. The last item is always the fixed
 * host-side line with status "unknown".
 */
export function connectorReadiness(input: ReadinessInput): ReadinessItem[] {
  const items: ReadinessItem[] = RULES.map((rule) => {
    const hits = input.findings.filter((f) => rule.ids.includes(f.id) && f.severity !== 'info')
    const fromFindings = worst(hits)
    const facts = rule.fromFacts(input.facts)
    const findingIds = [...new Set(hits.map((f) => f.id))]
    if (fromFindings) {
      const first = hits.find((f) => (fromFindings === 'fail' ? f.severity === 'error' : f.severity === 'warning'))
      return { key: rule.key, item: rule.item, status: fromFindings, findingIds, note: first?.title ?? facts.note }
    }
    return { key: rule.key, item: rule.item, status: facts.status, findingIds, note: facts.note }
  })
  items.push({
    key: 'host-side',
    item: HOST_SIDE_ITEM,
    status: 'unknown',
    findingIds: [],
    note: "Connectors call discovery, registration and the token endpoint from their own servers (OpenAI's or Anthropic's IP ranges and user agents), not from your browser. A Cloudflare/WAF rule, bot protection or IP allowlist can block them while everything here passes; and a redirect URI allowlist must accept the connector's own callback URLs (e.g. https://chatgpt.com/connector_platform_oauth_redirect, https://chatgpt.com/connector/oauth/<id>, https://claude.ai/api/mcp/auth_callback). Check your WAF and registration logs for their requests.",
  })
  return items
}
