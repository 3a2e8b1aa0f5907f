/**
 * Provider-aware fixes: recognise the authorization server (issuer pattern, or the shape of its
 * endpoints for self-hosted products) and name, in CORS, public-client and redirect URI findings, the
 * exact setting in that provider's console, citing the provider's documentation. The settings were
 * read from each provider's documentation (sources in each entry; collected 2026-12 from stored copies
 * of the pages). A recognition by endpoint shape says "looks like": it can be wrong.
 */
import type { Finding } from '../model/types'

export interface ProviderSetting {
  /** The setting's name in the provider's console or configuration. */
  setting: string
  /** Where to find it. */
  where: string
  /** The provider's documentation page. */
  source: string
}

export interface Provider {
  id: string
  name: string
  /** Issuer identifiers this provider uses. */
  issuer: RegExp[]
  /** For self-hosted products: the metadata's endpoint layout. */
  shape?: (m: Record<string, unknown>) => boolean
  cors?: ProviderSetting
  publicClient?: ProviderSetting
  redirectUris?: ProviderSetting
}

const endsWith = (v: unknown, suffix: string): boolean => typeof v === 'string' && v.endsWith(suffix)

export const PROVIDERS: readonly Provider[] = [
  {
    id: 'okta',
    name: 'Okta',
    issuer: [/^https:\/\/[a-z0-9-]+\.okta\.com\/?$/, /^https:\/\/[a-z0-9-]+\.okta\.com\/oauth2\/[A-Za-z0-9]+\/?$/],
    cors: {
      setting: 'Trusted Origins (type: CORS)',
      where:
        'Admin Console → Security → API → Trusted Origins tab → Add Origin → enter Name and Origin URL, select type CORS (optionally also Redirect)',
      source: 'https://help.okta.com/en-us/Content/Topics/security/api-trusted-origins.htm',
    },
    publicClient: {
      setting: 'Application type: Single-Page Application',
      where:
        'Admin Console → Applications → Applications → Create App Integration → Sign-in method OIDC - OpenID Connect → Application type Single-Page Application; grant types Authorization Code (+ Refresh Token)',
      source: 'https://developer.okta.com/docs/guides/sign-into-spa/react/create-okta-application/',
    },
    redirectUris: {
      setting: 'Sign-in redirect URIs',
      where:
        'App integration → General → (create wizard or edit) Sign-in redirect URIs; optional checkbox "Allow wildcard * in sign-in redirect URI"',
      source: 'https://developer.okta.com/docs/guides/sign-into-spa/react/create-okta-application/',
    },
  },
  {
    id: 'auth0',
    name: 'Auth0',
    issuer: [/^https:\/\/[a-z0-9-]+\.(us|eu|au|jp|ca|uk)\.auth0\.com\/$/, /^https:\/\/[a-z0-9-]+\.auth0\.com\/$/],
    cors: {
      setting: 'Allowed Web Origins / Allowed Origins (CORS)',
      where:
        'Dashboard → Applications → Applications → (app) → Settings: Application URIs → Allowed Web Origins; and under Cross-Origin Authentication → toggle Allow Cross-Origin Authentication → Allowed Origins (CORS)',
      source: 'https://auth0.com/docs/get-started/applications/set-up-cors',
    },
    publicClient: {
      setting: 'Application type: Single Page Application (Credentials → Authentication Method: None)',
      where:
        'Dashboard → Applications → Applications → (app). Type chosen at creation; for public apps the Credentials view is absent or its Authentication Method is None',
      source: 'https://auth0.com/docs/configure/applications/confidential-public-apps/view-application-type',
    },
    redirectUris: {
      setting: 'Allowed Callback URLs',
      where: 'Dashboard → Applications → Applications → (app) → Settings → Application URIs → Allowed Callback URLs',
      source: 'https://auth0.com/docs/login/redirect-users-after-login',
    },
  },
  {
    id: 'entra',
    name: 'Microsoft Entra ID',
    issuer: [
      /^https:\/\/login\.microsoftonline\.com\/[^/]+\/v2\.0\/?$/,
      /^https:\/\/login\.microsoftonline\.us\/[^/]+\/v2\.0\/?$/,
      /^https:\/\/login\.partner\.microsoftonline\.cn\/[^/]+\/v2\.0\/?$/,
    ],
    cors: {
      setting: 'Single-page application platform (redirect URI type spa)',
      where:
        "Entra admin center → Identity → Applications → App registrations → (app) → Manage → Authentication → Add a platform → Single-page application → Redirect URIs (or set the redirect URI's type to spa in the Manifest)",
      source: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow',
    },
    publicClient: {
      setting: 'Single-page application platform (no client secret sent)',
      where: 'Same as CORS: Authentication → Add a platform → Single-page application',
      source: 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow',
    },
    redirectUris: {
      setting: 'Redirect URIs (under the Single-page application platform)',
      where: 'App registrations → (app) → Authentication → Single-page application → Redirect URIs',
      source: 'https://learn.microsoft.com/en-us/entra/identity-platform/scenario-spa-app-registration',
    },
  },
  {
    id: 'keycloak',
    name: 'Keycloak',
    issuer: [/^https?:\/\/[^/]+(\/auth)?\/realms\/[^/]+\/?$/],
    cors: {
      setting: 'Web origins',
      where: 'Clients → (client) → Settings → Access settings → Web origins ("+" = all origins of Valid redirect URIs)',
      source:
        'https://github.com/keycloak/keycloak/blob/HEAD/docs/documentation/server_admin/topics/clients/oidc/con-basic-settings.adoc',
    },
    publicClient: {
      setting: 'Client authentication: Off',
      where:
        'Clients → (client) → Settings → Capability config → Client authentication OFF (older versions: Access Type public); optional PKCE method S256',
      source: 'https://www.keycloak.org/securing-apps/javascript-adapter',
    },
    redirectUris: {
      setting: 'Valid redirect URIs',
      where: 'Clients → (client) → Settings → Access settings → Valid redirect URIs',
      source:
        'https://github.com/keycloak/keycloak/blob/HEAD/docs/documentation/server_admin/topics/clients/oidc/con-basic-settings.adoc',
    },
  },
  {
    id: 'cognito',
    name: 'Amazon Cognito',
    issuer: [
      /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9-]+_[A-Za-z0-9]+\/?$/,
      /^https:\/\/issuer-cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9-]+_[A-Za-z0-9]+\/?$/,
    ],
    cors: {
      setting: 'None (no per-origin setting): the token endpoint always sends Access-Control-Allow-Origin: *',
      where: 'Nothing to configure; a domain must be attached to the user pool for /oauth2/token to exist',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html',
    },
    publicClient: {
      setting:
        'App type: Public client (no client secret); older console: clear "Generate client secret"; API GenerateSecret=false',
      where:
        'Cognito console → User pools → (pool) → App integration / App clients → Create an app client → App type: Public client',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html',
    },
    redirectUris: {
      setting: 'Callback URL(s) (API: CallbackURLs)',
      where: 'App client → managed login / hosted UI settings → Callback URL(s)',
      source:
        'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/cognitoidentityprovider/aws.sdk.kotlin.services.cognitoidentityprovider.model/-create-user-pool-client-request/callback-urls.html',
    },
  },
  {
    id: 'google',
    name: 'Google',
    issuer: [/^https:\/\/accounts\.google\.com\/?$/],
    cors: {
      setting: 'Authorized JavaScript origins (Web application client)',
      where:
        'Google Cloud console → Credentials page (Help Center calls it the Google Auth Platform Clients page) → Create credentials → OAuth client ID → Application type: Web application → Authorized JavaScript origins',
      source: 'https://developers.google.com/accounts/docs/OAuth2UserAgent',
    },
    publicClient: {
      setting: 'No browser public-client type documented; public clients are native/installed apps',
      where:
        'Google Auth Platform → Clients: Application type (Web application vs installed types such as Desktop/iOS/Android)',
      source: 'https://support.google.com/cloud/answer/15549257?hl=en',
    },
    redirectUris: {
      setting: 'Authorized redirect URIs',
      where: 'OAuth client (Web application) → Authorized redirect URIs',
      source: 'https://developers.google.com/identity/oauth2/web/guides/use-code-model',
    },
  },
  {
    id: 'duende',
    name: 'Duende IdentityServer',
    issuer: [],
    shape: (m) =>
      endsWith(m.token_endpoint, '/connect/token') && endsWith(m.authorization_endpoint, '/connect/authorize'),
    cors: {
      setting: 'AllowedCorsOrigins (Client property)',
      where:
        'Code/config: new Client { AllowedCorsOrigins = { "https://app.example" } } (in-memory or EF stores); or a custom ICorsPolicyService',
      source: 'https://docs.duendesoftware.com/identityserver/v7/tokens/cors',
    },
    publicClient: {
      setting: 'RequireClientSecret = false (with RequirePkce, default true)',
      where: 'Client model property',
      source:
        'https://github.com/DuendeSoftware/docs.duendesoftware.com/blob/HEAD/src/content/docs/identityserver/reference/models/client.md',
    },
    redirectUris: {
      setting: 'RedirectUris (Client property)',
      where: 'Client model property',
      source:
        'https://github.com/DuendeSoftware/docs.duendesoftware.com/blob/HEAD/src/content/docs/identityserver/reference/models/client.md',
    },
  },
  {
    id: 'zitadel',
    name: 'ZITADEL',
    issuer: [/^https:\/\/[a-z0-9-]+\.zitadel\.cloud\/?$/],
    shape: (m) => endsWith(m.token_endpoint, '/oauth/v2/token'),
    cors: {
      setting: 'Additional origins (plus origins derived from Redirect URIs)',
      where: 'Console → Projects → (project) → Applications → (app) → Additional origins',
      source: 'https://zitadel.com/docs/guides/manage/console/applications',
    },
    publicClient: {
      setting: 'Application type User Agent + authentication method PKCE',
      where:
        'Console → Project → New application → type User Agent → authentication method PKCE (token endpoint auth method none)',
      source: 'https://zitadel.com/docs/guides/manage/console/applications',
    },
    redirectUris: {
      setting: 'Redirect URIs (Development mode needed for http:// and glob patterns)',
      where: 'Application → Redirect settings → Redirect URIs; toggle Development mode',
      source: 'https://zitadel.com/docs/guides/manage/console/applications',
    },
  },
  {
    id: 'pingone',
    name: 'PingOne',
    issuer: [/^https:\/\/auth\.pingone\.(com|ca|eu|com\.au|sg|asia)\/[0-9a-fA-F-]{36}\/as\/?$/],
    cors: {
      setting: 'CORS settings: allowed CORS origin domains (application property corsSettings)',
      where: 'Admin console → Applications → Applications → (app) → Configuration tab → CORS settings',
      source: 'https://docs.pingidentity.com/pingone/applications/p1_cors.html',
    },
    publicClient: {
      setting: 'Token Endpoint Authentication Method: None (+ PKCE Enforcement S256_REQUIRED)',
      where:
        'Applications → (Single page app) → Configuration tab → Token Endpoint Authentication Method = None; PKCE Enforcement',
      source:
        'https://developer.pingidentity.com/pingone-api/workflow-library/platform-sso-and-authorization/openid-connect-oidc/client-authentication-methods/environment-configuration/none.html',
    },
    redirectUris: {
      setting: 'Redirect URIs (optional: Allow Redirect URI patterns)',
      where: 'Applications → (app) → Configuration tab → Redirect URIs',
      source: 'https://docs.pingidentity.com/r/en-us/pingone/pingone_edit_application_native',
    },
  },
  {
    id: 'pingfederate',
    name: 'PingFederate',
    issuer: [],
    shape: (m) => endsWith(m.token_endpoint, '/as/token.oauth2'),
    cors: {
      setting: 'Cross-Origin Resource Sharing Settings → Allowed Origin',
      where:
        'Admin console → System → OAuth Settings → Authorization Server Settings → Cross-Origin Resource Sharing Settings (PingFederate 10.0–10.3: Authentication → Integration → Authentication API Applications → Additional Allowed Origins)',
      source:
        'https://docs.pingidentity.com/pingfederate/13.0/introduction_to_pingfederate/pf_cors_support_oauth_endpoints.html',
    },
    publicClient: {
      setting: 'Client Authentication: None',
      where: 'Applications → OAuth → Clients → Add Client → Client Authentication = None',
      source: 'https://docs.pingidentity.com/r/ehoGYzALcjNJaB4KIbVMkg/hWnHA43pLsXFB5TRd9xlVQ',
    },
  },
  {
    id: 'salesforce',
    name: 'Salesforce',
    issuer: [/^https:\/\/login\.salesforce\.com\/?$/, /^https:\/\/[a-z0-9-]+\.my\.salesforce\.com\/?$/],
    cors: {
      setting: 'Enable CORS for OAuth endpoints (checkbox) + CORS allowlist (Allowed Origins List)',
      where: 'Setup → Quick Find "CORS" → CORS: New → Origin URL Pattern; and select Enable CORS for OAuth endpoints',
      source: 'https://help.salesforce.com/apex/HTViewHelpDoc?id=remoteaccess_oauth_endpoints_cors.htm&language=en_US',
    },
    publicClient: {
      setting:
        'Deselect "Require Secret for Web Server Flow" (and "Require Secret for Refresh Token Flow"); PKCE can be required per app',
      where: 'Connected App (or External Client App) → API (Enable OAuth Settings)',
      source:
        'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.shr_api_enable_oauth_settings_authorization_code_and_credentials_flow_settings.htm',
    },
    redirectUris: {
      setting: 'Callback URL',
      where: 'Connected App → API (Enable OAuth Settings) → Callback URL',
      source:
        'https://developer.salesforce.com/docs/atlas.en-us.188.0.api_rest.meta/api_rest/intro_understanding_web_server_oauth_flow.htm',
    },
  },
  {
    id: 'gitlab',
    name: 'GitLab',
    issuer: [/^https:\/\/gitlab\.com\/?$/],
    cors: {
      setting: 'None needed: built-in CORS on /oauth endpoints',
      where: 'Nothing to configure',
      source: 'https://docs.gitlab.com/api/oauth2/',
    },
    publicClient: {
      setting: 'Confidential checkbox cleared (API: confidential=false)',
      where:
        'Avatar → Edit profile → Applications → Add new application (or group/instance applications) → untick Confidential',
      source: 'https://docs.gitlab.com/17.6/api/applications',
    },
    redirectUris: {
      setting: 'Redirect URI',
      where: 'Avatar → Edit profile → Applications → Add new application → Redirect URI',
      source: 'https://docs.gitlab.com/integration/oauth_provider',
    },
  },
  {
    id: 'spring-authorization-server',
    name: 'Spring Authorization Server',
    issuer: [],
    shape: (m) => endsWith(m.token_endpoint, '/oauth2/token') && endsWith(m.jwks_uri, '/oauth2/jwks'),
    cors: {
      setting: 'CorsConfigurationSource @Bean + http.cors()',
      where: 'Application code (Spring Security configuration)',
      source: 'https://docs.spring.io/spring-authorization-server/reference/guides/how-to-pkce.html',
    },
    publicClient: {
      setting: 'clientAuthenticationMethod none + requireProofKey',
      where: 'RegisteredClient (Java) or spring.security.oauth2.authorizationserver.client.* (YAML)',
      source: 'https://docs.spring.io/spring-authorization-server/reference/guides/how-to-pkce.html',
    },
    redirectUris: {
      setting: 'redirectUris (RegisteredClient)',
      where: 'RegisteredClient builder / client registration properties',
      source:
        'https://github.com/spring-projects/spring-authorization-server/blob/HEAD/docs/modules/ROOT/pages/core-model-components.adoc',
    },
  },
  {
    id: 'authentik',
    name: 'authentik',
    issuer: [/^https?:\/\/[^/]+\/application\/o\/[^/]+\/?$/],
    cors: {
      setting: "No separate setting: the provider's Redirect URIs decide the allowed origins",
      where: 'Applications → Providers → (OAuth2/OpenID provider) → Redirect URIs',
      source: 'https://github.com/goauthentik/authentik/blob/HEAD/authentik/providers/oauth2/views/token.py',
    },
    publicClient: {
      setting: 'Client type: Public',
      where:
        'Applications → New Application → provider type OAuth2/OpenID Connect → Configure the Provider → Client type = Public',
      source: 'https://github.com/goauthentik/authentik/blob/HEAD/website/integrations/dashboards/dashy/index.mdx',
    },
    redirectUris: {
      setting: 'Redirect URIs (Strict or Regex)',
      where: 'Provider → Protocol settings → Redirect URIs',
      source:
        'https://github.com/goauthentik/authentik/blob/HEAD/website/docs/add-secure-apps/providers/oauth2/index.mdx',
    },
  },
  {
    id: 'ory-hydra',
    name: 'Ory Hydra / Ory Network',
    issuer: [/^https:\/\/[a-z0-9-]+\.projects\.oryapis\.com\/?$/],
    shape: (m) => endsWith(m.token_endpoint, '/oauth2/token') && endsWith(m.authorization_endpoint, '/oauth2/auth'),
    cors: {
      setting: 'allowed_cors_origins (per client) + serve.public.cors (global, needed for preflight)',
      where: 'Client JSON field allowed_cors_origins; hydra config serve.public.cors.enabled / allowed_origins',
      source: 'https://github.com/ory/docs/blob/HEAD/docs/hydra/guides/cors.mdx',
    },
    publicClient: {
      setting: 'token_endpoint_auth_method: none',
      where: 'hydra clients create --token-endpoint-auth-method none, or JSON {"token_endpoint_auth_method": "none"}',
      source: 'https://github.com/ory/docs/blob/HEAD/docs/hydra/guides/oauth2-public-spa-mobile.mdx',
    },
    redirectUris: {
      setting: 'redirect_uris (client field)',
      where: 'OAuth2 client JSON / CLI',
      source: 'https://github.com/ory/docs/blob/HEAD/docs/hydra/guides/openid-connect-dynamic-client-registration.mdx',
    },
  },
  {
    id: 'workos',
    name: 'WorkOS (AuthKit / Connect)',
    issuer: [/^https:\/\/[a-z0-9-]+\.authkit\.app\/?$/],
  },
  {
    id: 'slack',
    name: 'Slack',
    issuer: [/^https:\/\/slack\.com\/?$/],
    publicClient: {
      setting: 'PKCE setting (marks the app a public client; one-way)',
      where: 'App settings (api.slack.com/apps → your app); enable PKCE',
      source: 'https://docs.slack.dev/authentication/using-pkce',
    },
    redirectUris: {
      setting: 'Redirect URLs',
      where: 'App configuration → OAuth & Permissions → Redirect URLs',
      source: 'https://docs.slack.dev/tools/bolt-python/concepts/authenticating-oauth',
    },
  },
  {
    id: 'apple',
    name: 'Sign in with Apple',
    issuer: [/^https:\/\/appleid\.apple\.com\/?$/],
    publicClient: {
      setting: 'Not supported: client_secret (a signed JWT) is always required',
      where: 'n/a',
      source: 'https://developer.apple.com/documentation/signinwithapplerestapi/generate-and-validate-tokens',
    },
    redirectUris: {
      setting: 'Website URLs registered on the Services ID (Sign in with Apple → Configure)',
      where: 'Certificates, Identifiers & Profiles → Identifiers → (Services ID) → Sign in with Apple → Configure',
      source:
        'https://developer.apple.com/help/account/configure-app-capabilities/configure-sign-in-with-apple-for-the-web',
    },
  },
]

export interface Recognised {
  provider: Provider
  /** "issuer" when the issuer matched a pattern the provider documents; "shape" when only the layout did. */
  by: 'issuer' | 'shape'
}

/** The provider behind `issuer` (and its metadata, when known), or undefined. */
export function recogniseProvider(issuer: string, metadata?: Record<string, unknown>): Recognised | undefined {
  const byIssuer = PROVIDERS.find((p) => p.issuer.some((re) => re.test(issuer)))
  if (byIssuer) return { provider: byIssuer, by: 'issuer' }
  if (!metadata) return undefined
  const byShape = PROVIDERS.find((p) => p.shape?.(metadata))
  return byShape ? { provider: byShape, by: 'shape' } : undefined
}

type Kind = 'cors' | 'publicClient' | 'redirectUris'

/** Which provider setting a finding is about, if any. */
function kindOf(f: Finding): Kind | undefined {
  switch (f.id) {
    case 'cors-blocked':
    case 'cors-preflight-failed':
    case 'cors-error-responses-without-cors':
      return 'cors'
    case 'auth-method-none-not-advertised':
      return 'publicClient'
    case 'token-request-rejected': {
      const error = f.data?.error
      if (error === 'invalid_client' || error === 'unauthorized_client') return 'publicClient'
      if (/redirect_uri/i.test(f.detail)) return 'redirectUris'
      return undefined
    }
    case 'authorization-error':
      return /redirect_uri|redirect uri|callback url/i.test(f.detail) ? 'redirectUris' : undefined
    default:
      return undefined
  }
}

/** The sentence appended to a finding's fix: the provider's own setting, where it is, and its documentation. */
export function providerFix(r: Recognised, setting: ProviderSetting): string {
  const who = r.by === 'issuer' ? r.provider.name : `This looks like ${r.provider.name} (by its endpoints); if it is`
  return `${who}: ${setting.setting} — ${setting.where} (${setting.source}).`
}

/**
 * The findings with the recognised provider's setting added to the fix of each finding it concerns
 * (once: idempotent), and `data.provider` naming the provider.
 */
export function withProviderFixes(findings: readonly Finding[], r: Recognised | undefined): Finding[] {
  if (!r) return [...findings]
  return findings.map((f) => {
    const kind = kindOf(f)
    const setting = kind ? r.provider[kind] : undefined
    if (!setting) return f
    const text = providerFix(r, setting)
    if (f.fix.includes(text)) return f
    return { ...f, fix: `${f.fix} ${text}`.trim(), data: { ...(f.data ?? {}), provider: r.provider.name } }
  })
}
