// The floor of "callback → tokens verified": the same protocol work as the app, with the same
// libraries, against the same server, and nothing else (no Svelte, no recording, no diagnosis).
// Without a response in the URL it discovers the issuer, makes the PKCE pair, state and nonce, saves
// them and leaves for the authorization server (#go=<issuer>); back with a code it exchanges it,
// fetches the JWKS and verifies the ID token, then marks body[data-verified="valid"].
import * as oauth from 'oauth4webapi'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'

const KEY = 'bench-floor'
const status = (text: string) => {
  const el = document.getElementById('status')
  if (el) el.textContent = text
}
const insecure = { [oauth.allowInsecureRequests]: true }
const redirectUri = `${location.origin}/`

async function start(issuer: string, clientId: string, resource: string) {
  const url = new URL(issuer)
  const as = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, insecure))
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const auth = new URL(as.authorization_endpoint ?? '')
  auth.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    resource,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  sessionStorage.setItem(KEY, JSON.stringify({ as, clientId, verifier, state, nonce, resource }))
  location.assign(auth.href)
}

async function finish() {
  const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as {
    as: oauth.AuthorizationServer
    clientId: string
    verifier: string
    state: string
    nonce: string
    resource: string
  } | null
  if (!saved) return status('no pending flow')
  const { as, verifier, state, nonce } = saved
  const client: oauth.Client = { client_id: saved.clientId }
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), state)
  history.replaceState(null, '', location.pathname)
  const jwks = fetch(as.jwks_uri ?? '').then((r) => r.json() as Promise<JSONWebKeySet>)
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
    ...insecure,
    additionalParameters: { resource: saved.resource },
  })
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce })
  await jwtVerify(tokens.id_token ?? '', createLocalJWKSet(await jwks), {
    issuer: as.issuer,
    audience: client.client_id,
  })
  document.body.dataset.verified = 'valid'
  status('verified')
}

const go = new URLSearchParams(location.hash.slice(1))
if (new URL(location.href).searchParams.has('code')) {
  void finish()
} else if (go.get('issuer')) {
  void start(go.get('issuer') ?? '', go.get('client_id') ?? '', go.get('resource') ?? '')
}
