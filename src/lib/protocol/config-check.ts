/**
 * Configure step, the checks: what the user typed, validated before anything is sent; the metadata
 * the run uses (discovered, completed by hand-entered endpoints); and hand-entered or linked
 * endpoints that differ from the issuer's. Engine code: the first view loads only config.ts.
 */
import { finding } from '../diagnosis/finding'
import type { ConfigProblem, Finding, FlowConfig, ServerMetadata } from '../model/types'
import { isLoopbackHost } from '../platform/hosts'
import { cspAllowsHttpFetch } from '../platform/csp'
import { originOf } from './config'

function checkUrl(
  field: ConfigProblem['field'],
  label: string,
  value: string,
  config: FlowConfig,
  problems: ConfigProblem[],
  /** False for the authorization endpoint: navigated to, never fetched (connect-src does not apply). */
  fetched = true,
): void {
  if (!value) return
  let u: URL
  try {
    u = new URL(value)
  } catch {
    problems.push({ field, severity: 'error', message: `${label} is not an absolute URL.` })
    return
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    problems.push({ field, severity: 'error', message: `${label} must use https (got ${u.protocol}).` })
    return
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    problems.push({
      field,
      severity: 'error',
      message: `${label} uses plain http on a non-loopback host. OAuth requires TLS (RFC 6749 §3.1, §3.2); http is accepted only on loopback hosts (localhost, 127.0.0.1).`,
    })
  } else if (u.protocol === 'http:' && fetched && !cspAllowsHttpFetch(u.hostname)) {
    problems.push({
      field,
      severity: 'error',
      message: `${label} uses http on ${u.hostname}, which this page's own Content-Security-Policy does not let it fetch (connect-src allows http only on localhost, *.localhost and 127.0.0.1; a CSP source cannot name an IPv6 address): the browser would refuse every request before it leaves. Use http://localhost${u.port ? `:${u.port}` : ''} for the same local server.`,
    })
  } else if (u.protocol === 'http:' && !config.allow_insecure_loopback) {
    problems.push({
      field,
      severity: 'error',
      message: `${label} uses http on a loopback host; tick "Allow http on loopback" to use a local test server.`,
    })
  }
  if (u.hash) {
    problems.push({ field, severity: 'error', message: `${label} must not contain a fragment (#…).` })
  }
}

/** Checks the configuration before anything is sent. */
export function validateConfig(config: FlowConfig, clientSecret = ''): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  if (config.mcp_url) checkUrl('mcp_url', 'MCP server URL', config.mcp_url, config, problems)
  if (!config.mcp_url && !config.issuer && !(config.authorization_endpoint && config.token_endpoint)) {
    problems.push({
      field: 'issuer',
      severity: 'error',
      message: 'Enter an issuer URL (for discovery), or both the authorization and token endpoints by hand.',
    })
  }
  checkUrl('issuer', 'Issuer', config.issuer, config, problems)
  if (config.issuer) {
    try {
      const u = new URL(config.issuer)
      if (u.search) {
        problems.push({
          field: 'issuer',
          severity: 'error',
          message: 'The issuer must not contain a query (RFC 8414 §2).',
        })
      }
    } catch {
      // reported above
    }
  }
  checkUrl('authorization_endpoint', 'Authorization endpoint', config.authorization_endpoint, config, problems, false)
  checkUrl('token_endpoint', 'Token endpoint', config.token_endpoint, config, problems)
  checkUrl('jwks_uri', 'JWKS URI', config.jwks_uri, config, problems)
  if (!config.client_id.trim() && !config.mcp_url) {
    problems.push({
      field: 'client_id',
      severity: 'error',
      message: 'Enter the client ID registered at the authorization server.',
    })
  }
  if (!config.redirect_uri) {
    problems.push({ field: 'redirect_uri', severity: 'error', message: 'Enter the redirect URI.' })
  } else {
    try {
      const u = new URL(config.redirect_uri)
      if (u.hash) {
        problems.push({
          field: 'redirect_uri',
          severity: 'error',
          message: 'The redirect URI must not contain a fragment (RFC 6749 §3.1.2).',
        })
      }
    } catch {
      problems.push({ field: 'redirect_uri', severity: 'error', message: 'The redirect URI is not an absolute URL.' })
    }
  }
  if (config.resource) {
    try {
      const u = new URL(config.resource)
      if (u.hash) {
        problems.push({
          field: 'resource',
          severity: 'error',
          message: 'resource must not contain a fragment (RFC 8707 §2).',
        })
      }
      if (u.search) {
        problems.push({
          field: 'resource',
          severity: 'warning',
          message: 'resource SHOULD NOT contain a query (RFC 8707 §2).',
        })
      }
    } catch {
      problems.push({
        field: 'resource',
        severity: 'error',
        message: 'resource must be an absolute URI (RFC 8707 §2).',
      })
    }
  }
  if (config.client_auth !== 'none' && !clientSecret) {
    problems.push({
      field: 'client_secret',
      severity: 'error',
      message: `${config.client_auth} needs the client secret.`,
    })
  }
  const reserved = new Set([
    'response_type',
    'client_id',
    'redirect_uri',
    'state',
    'code_challenge',
    'code_challenge_method',
    'scope',
    'nonce',
  ])
  for (const [raw] of config.extra_params) {
    // authorize.ts trims names before sending, so check the trimmed name.
    const k = raw.trim()
    if (reserved.has(k)) {
      problems.push({
        field: 'extra_params',
        severity: 'error',
        message: `Extra parameter "${k}" is set by the playground itself; remove it from the extra rows.`,
      })
    }
    if (k === 'response_mode') {
      problems.push({
        field: 'extra_params',
        severity: 'warning',
        message:
          'response_mode other than query cannot reach a static page (form_post POSTs to the host; fragment is for implicit flows).',
      })
    }
  }
  return problems
}

/** Completes metadata with the hand-entered endpoints (hand-entered values win when given). */
export function effectiveMetadata(config: FlowConfig, discovered?: ServerMetadata): ServerMetadata {
  const md: ServerMetadata = discovered ? { ...discovered } : { issuer: config.issuer }
  if (config.authorization_endpoint) md.authorization_endpoint = config.authorization_endpoint
  if (config.token_endpoint) md.token_endpoint = config.token_endpoint
  if (config.jwks_uri) md.jwks_uri = config.jwks_uri
  if (config.userinfo_endpoint) md.userinfo_endpoint = config.userinfo_endpoint
  return md
}

const OVERRIDABLE = ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'] as const

/**
 * One finding for every endpoint in use that differs from what discovery returned for the issuer
 * (typed by hand or set by a link): an error when one of them is on another origin than the
 * issuer's (the code, verifier or tokens then go to a server the issuer does not name), a warning
 * when all stay on the issuer's origin. Undefined when nothing differs (or nothing was discovered).
 */
export function endpointOverrideFinding(
  config: FlowConfig,
  discovered: ServerMetadata | undefined,
): Finding | undefined {
  if (!discovered) return undefined
  const issuerOrigin = originOf(config.issuer)
  const differing: Array<{ field: string; used: string; discovered: string; foreign: boolean }> = []
  for (const field of OVERRIDABLE) {
    const used = config[field]
    const found = discovered[field]
    if (!used || typeof found !== 'string' || !found || used === found) continue
    differing.push({ field, used, discovered: found, foreign: originOf(used) !== issuerOrigin })
  }
  if (!differing.length) return undefined
  const foreign = differing.filter((d) => d.foreign)
  const list = differing
    .map(
      (d) =>
        `${d.field} ${JSON.stringify(d.used)} instead of ${JSON.stringify(d.discovered)}${d.foreign ? ` (another origin: ${originOf(d.used)})` : ''}`,
    )
    .join('; ')
  return finding('endpoint-overridden', foreign.length ? 'error' : 'warning', 'discovery', {
    title: foreign.length
      ? `The flow uses ${foreign.length === 1 ? 'an endpoint' : 'endpoints'} on another origin than the issuer’s, not what discovery returned`
      : `The flow uses ${differing.length === 1 ? 'an endpoint' : 'endpoints'} other than what discovery returned`,
    detail: `Entered by hand or set by a link: ${list}. ${
      foreign.length
        ? `Requests for this issuer (${issuerOrigin}) go to a server its metadata does not name: whoever runs it receives what is sent there (for the token endpoint: the code, the code_verifier and any client secret, and it hands out the tokens). The results below describe that server, not the issuer’s.`
        : 'The results describe these endpoints, not the ones the issuer publishes.'
    }`,
    fix: 'Clear the endpoint fields in Configure (“Endpoints by hand”) to use what the issuer publishes, or fix the metadata if it is the metadata that is wrong.',
    spec: 'RFC 8414 §2, §3.3; RFC 9700 §4.4',
    data: {
      endpoints: differing.map((d) => d.field),
      urls: differing.map((d) => d.used),
      origins: [...new Set(differing.map((d) => originOf(d.used)))],
    },
  })
}
