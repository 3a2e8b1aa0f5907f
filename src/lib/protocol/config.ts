/**
 * Configure step: defaults, the share-link fragment (`#issuer=…&client_id=…`) and validation of
 * what the user typed. Share links carry configuration only: never a secret, code or token.
 */
import type { ClientAuthMethod, ConfigProblem, FlowConfig, LinkEndpointKey, LinkSetting } from '../model/types'

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
    out.push({ field, value, origin: originOf(value), handling })
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
