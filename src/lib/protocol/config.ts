/**
 * Configure step: defaults, the share-link fragment (`#issuer=…&client_id=…`) and validation of
 * what the user typed. Share links carry configuration only: never a secret, code or token.
 */
import { finding } from '../diagnosis/finding'
import type {
  ClientAuthMethod,
  ConfigProblem,
  Finding,
  FlowConfig,
  LinkEndpointKey,
  LinkSetting,
  ServerMetadata,
} from '../model/types'
import { isLoopbackHost } from '../platform/network'
import { carriesSecret } from '../platform/secrets'

export type { ConfigProblem, LinkEndpointKey, LinkSetting }

/** Keys a share link may carry, in the order they are written. Unknown keys are ignored. */
export const SHARE_KEYS = [
  'issuer',
  'client_id',
  'scope',
  'resource',
  'redirect_uri',
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'client_auth',
  'mcp',
  'dpop',
  'par',
] as const

export interface Defaults {
  issuer?: string
  client_id?: string
  scope?: string
  resource?: string
}

/** A fresh configuration. `pageUrl` is the app's own URL: the redirect URI defaults to it. */
export function defaultConfig(pageUrl: string, defaults: Defaults = {}): FlowConfig {
  return {
    issuer: defaults.issuer ?? '',
    authorization_endpoint: '',
    token_endpoint: '',
    jwks_uri: '',
    userinfo_endpoint: '',
    client_id: defaults.client_id ?? '',
    client_auth: 'none',
    scope: defaults.scope ?? 'openid',
    redirect_uri: defaultRedirectUri(pageUrl),
    resource: defaults.resource ?? '',
    extra_params: [],
    allow_insecure_loopback: true,
    mcp_url: '',
    dpop: 'auto',
    par: 'auto',
  }
}

/** The app's own URL without query or fragment: what to register as the redirect URI. */
export function defaultRedirectUri(pageUrl: string): string {
  const u = new URL(pageUrl)
  u.search = ''
  u.hash = ''
  return u.href
}

const AUTH_METHODS: ClientAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post']

/** The values of the dpop and par settings (share-link keys `dpop`, `par`); 'auto' is the default. */
export const FEATURE_SETTINGS = ['auto', 'on', 'off'] as const
export type FeatureSetting = (typeof FEATURE_SETTINGS)[number]

function isFeatureSetting(v: string): v is FeatureSetting {
  return (FEATURE_SETTINGS as readonly string[]).includes(v)
}

/**
 * Reads configuration from a URL fragment (form-encoded). Returns only the keys present.
 * A fragment never starts a flow by itself.
 */
export function parseShareFragment(hash: string): Partial<FlowConfig> {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash)
  const out: Partial<FlowConfig> = {}
  for (const key of SHARE_KEYS) {
    const value = params.get(key)
    if (value === null) continue
    const v = value.slice(0, 2048)
    if (key === 'client_auth') {
      if ((AUTH_METHODS as string[]).includes(v)) out.client_auth = v as ClientAuthMethod
    } else if (key === 'mcp') {
      out.mcp_url = v
    } else if (key === 'dpop' || key === 'par') {
      // anything but auto/on/off is ignored (the default stays)
      if (isFeatureSetting(v)) out[key] = v
    } else {
      out[key] = v
    }
  }
  return out
}

/**
 * Share-link keys that decide where the code, the code_verifier, a client secret or the tokens go,
 * or which keys verify the tokens. A link may prefill them, but they are never used silently: the
 * page shows each one with its origin and sends nothing until the user confirms (see
 * {@link linkSettingsToReview}).
 */
export const LINK_ENDPOINT_KEYS: readonly LinkEndpointKey[] = ['authorization_endpoint', 'token_endpoint', 'jwks_uri']

/** Human names of the link settings. */
export const LINK_SETTING_LABELS: Record<LinkSetting['field'], string> = {
  authorization_endpoint: 'the authorization endpoint',
  token_endpoint: 'the token endpoint',
  jwks_uri: 'the JWKS URI',
  redirect_uri: 'the redirect URI',
  resource: 'the resource',
}

const LINK_CARRIES: Record<LinkSetting['field'], string> = {
  authorization_endpoint: 'Your browser goes there to log in (a look-alike page could ask for your password)',
  token_endpoint: 'The authorization code, the code_verifier and any client secret are sent there',
  jwks_uri: 'The keys from there decide whether the tokens verify',
  redirect_uri: 'The authorization server sends the authorization code there',
  resource: 'A parameter of the requests; the access token is sent there only if you call it and confirm',
}

/** The origin of a URL, or the text itself when it is not one. */
export function originOf(value: string): string {
  try {
    const u = new URL(value)
    return u.origin === 'null' ? `${u.protocol}…` : u.origin
  } catch {
    return value
  }
}

/**
 * What a share link set that decides where secrets go, for the notice shown before anything is
 * sent. Endpoints always need a confirmation; a redirect URI other than this page's own URL gets a
 * warning; a resource is listed (the access token goes there only after a confirmation).
 */
export function linkSettingsToReview(fromLink: Partial<FlowConfig>, pageUrl: string): LinkSetting[] {
  const out: LinkSetting[] = []
  const item = (field: LinkSetting['field'], value: string, handling: LinkSetting['handling']): void => {
    out.push({ field, value, origin: originOf(value), handling, carries: LINK_CARRIES[field] })
  }
  for (const key of LINK_ENDPOINT_KEYS) {
    const v = fromLink[key]
    if (typeof v === 'string' && v.trim() !== '') item(key, v, 'confirm')
  }
  const redirect = fromLink.redirect_uri
  if (typeof redirect === 'string' && redirect !== '' && redirect !== defaultRedirectUri(pageUrl)) {
    item('redirect_uri', redirect, 'warn')
  }
  const resource = fromLink.resource
  if (typeof resource === 'string' && resource.trim() !== '') item('resource', resource, 'ask-before-token')
  return out
}

/**
 * The link endpoints still waiting for a confirmation: those the form still holds unchanged (an
 * endpoint the user typed over or cleared is the user's own choice).
 */
export function pendingLinkEndpoints(
  review: readonly LinkSetting[],
  config: FlowConfig,
  confirmed: boolean,
): LinkSetting[] {
  if (confirmed) return []
  return review.filter(
    (s) =>
      s.handling === 'confirm' &&
      (LINK_ENDPOINT_KEYS as readonly string[]).includes(s.field) &&
      config[s.field as LinkEndpointKey] === s.value,
  )
}

/**
 * Writes the share fragment (without '#'). Empty values are left out, and so is any value that
 * carries one of `secrets` (code, verifier, client secret, tokens) in any encoding: a link never
 * carries a secret, even one pasted into a configuration field.
 */
export function buildShareFragment(config: FlowConfig, secrets: readonly string[] = []): string {
  const params = new URLSearchParams()
  for (const key of SHARE_KEYS) {
    const value = key === 'mcp' ? config.mcp_url : config[key]
    if (
      typeof value === 'string' &&
      value !== '' &&
      !(key === 'client_auth' && value === 'none') &&
      !((key === 'dpop' || key === 'par') && value === 'auto') &&
      !carriesSecret(value, secrets)
    ) {
      params.set(key, value)
    }
  }
  return params.toString()
}

function checkUrl(
  field: ConfigProblem['field'],
  label: string,
  value: string,
  config: FlowConfig,
  problems: ConfigProblem[],
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
      message: `${label} uses plain http on a non-loopback host. OAuth requires TLS (RFC 6749 §3.1, §3.2); http is accepted only for localhost, 127.0.0.1 and [::1].`,
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
  checkUrl('authorization_endpoint', 'Authorization endpoint', config.authorization_endpoint, config, problems)
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
