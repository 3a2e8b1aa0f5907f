/**
 * DPoP (RFC 9449), the client side: the key pair (non-extractable private key, kept in memory only),
 * the oauth4webapi handle that signs the proofs, and a proof decoded for teaching — header and
 * claims with their meaning, checked against the request it accompanied. A proof's signature is
 * never kept, shown or reported (see {@link redactProof}).
 * @see https://www.rfc-editor.org/rfc/rfc9449.html
 */
import * as oauth from 'oauth4webapi'
import { base64url, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose'
import type { Finding, FlowConfig, ServerMetadata, StepRef } from '../model/types'
import { withoutSignature, type Recorder } from '../platform/recorder'
import { dpopNonceNotExposedFinding, dpopNonceRoundTripFinding, readableNonce } from '../diagnosis/dpop'

/** The three-way switch of the Configure form (and the `dpop` share-link key). */
export type DpopSetting = 'auto' | 'on' | 'off'

/** JWS algorithms the playground can make a DPoP key for with WebCrypto, in order of preference. */
export const DPOP_ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const
export type DpopAlg = (typeof DPOP_ALGS)[number]

/** A DPoP key: the key pair (private key non-extractable), its public JWK and RFC 7638 thumbprint. */
export interface DpopKey {
  keyPair: CryptoKeyPair
  /** The public key as sent in every proof's `jwk` header. */
  publicJwk: JWK
  /** RFC 7638 SHA-256 thumbprint of the public key: what `cnf.jkt` of a bound token must equal. */
  thumbprint: string
  alg: DpopAlg
}

/**
 * The algorithm to use: ES256 unless the server advertises `dpop_signing_alg_values_supported`
 * without it, then the first advertised one the playground can make (RFC 9449 §5.1). Undefined when
 * the server advertises only algorithms the playground cannot make.
 */
export function chooseDpopAlg(
  metadata?: Pick<ServerMetadata, 'dpop_signing_alg_values_supported'>,
): DpopAlg | undefined {
  const advertised = metadata?.dpop_signing_alg_values_supported
  if (!Array.isArray(advertised) || advertised.length === 0) return 'ES256'
  return DPOP_ALGS.find((alg) => advertised.includes(alg))
}

/**
 * A fresh DPoP key pair for `alg` (ES256 by default). The private key is not extractable: it can
 * sign proofs in this page and nothing else; it is never persisted.
 */
export async function makeDpopKey(alg: DpopAlg = 'ES256'): Promise<DpopKey> {
  const keyPair = await oauth.generateKeyPair(alg, { extractable: false })
  // The public key of a WebCrypto key pair is always extractable.
  const exported = (await crypto.subtle.exportKey('jwk', keyPair.publicKey)) as JWK
  const publicJwk = publicMembers(exported)
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256')
  return { keyPair, publicJwk, thumbprint, alg }
}

/** The oauth4webapi DPoP handle: signs a proof per request and remembers the server's nonces. */
export function dpopHandle(client_id: string, key: Pick<DpopKey, 'keyPair'>): oauth.DPoPHandle {
  return oauth.DPoP({ client_id } as oauth.Client, key.keyPair)
}

/**
 * Is DPoP used for this flow? On when configured, or when 'auto' (the default) and the server
 * advertises it — except for an MCP server: the MCP authorization spec has clients send Bearer
 * tokens (and the playground's MCP calls carry no proof), so 'auto' stays off there.
 */
export function wantsDpop(
  config: Pick<FlowConfig, 'dpop'> & { mcp_url?: string | undefined },
  metadata: ServerMetadata | undefined,
): boolean {
  const setting = config.dpop ?? 'auto'
  if (setting === 'on') return true
  if (setting === 'off' || config.mcp_url) return false
  const algs = metadata?.dpop_signing_alg_values_supported
  return Array.isArray(algs) && algs.length > 0
}

/**
 * A DPoP header value for reports and the page: "<header>.<payload>.[signature removed]" (the
 * recorder keeps proofs this way; report redaction strips any JWT signature left in text too).
 */
export function redactProof(value: string): string {
  return withoutSignature(value)
}

/** One header parameter or claim of a proof, with what it means. */
export interface ProofPart {
  name: string
  /** The value as sent (JSON); absent when the proof does not carry it. */
  value?: string | number | Record<string, unknown>
  meaning: string
  /** The RFC 9449 section, e.g. "RFC 9449 §4.2". */
  spec: string
}

/** One check of a proof against the request it accompanied. */
export interface ProofCheck {
  id: 'typ' | 'alg' | 'jwk' | 'htm' | 'htu' | 'iat' | 'jti' | 'ath'
  ok: boolean
  /** What was expected and what the proof says. */
  detail: string
  spec: string
}

/** A decoded proof: plain JSON, without the signature. */
export interface DecodedProof {
  /** The proof without its signature ({@link redactProof}). */
  redacted: string
  header: ProofPart[]
  claims: ProofPart[]
  checks: ProofCheck[]
  /** RFC 7638 thumbprint of the proof's `jwk`, when it is a public key. */
  thumbprint?: string
  /** Set when the value is not a JWS at all. */
  error?: string
}

/** The request a proof accompanied. */
export interface ProofRequest {
  method: string
  url: string
  /** The access token sent with it (Authorization: DPoP …), when any. */
  accessToken?: string
}

const HEADER_MEANINGS: Record<string, string> = {
  typ: 'Type: must be "dpop+jwt", so a proof cannot be confused with another kind of JWT.',
  alg: 'The asymmetric signature algorithm of the proof (never "none" nor an HMAC).',
  jwk: 'The public key the proof is signed with. The server binds the tokens to its thumbprint (cnf.jkt).',
}

const CLAIM_MEANINGS: Record<string, { meaning: string; spec: string }> = {
  htm: { meaning: 'The HTTP method of the request the proof accompanies.', spec: 'RFC 9449 §4.2' },
  htu: {
    meaning: 'The HTTP URI of the request, without query and fragment.',
    spec: 'RFC 9449 §4.2',
  },
  iat: {
    meaning: 'When the proof was made; the server accepts it only within a short window.',
    spec: 'RFC 9449 §4.2, §11.1',
  },
  jti: {
    meaning: 'A unique id of the proof, so that the server can refuse a replayed proof.',
    spec: 'RFC 9449 §4.2, §11.1',
  },
  nonce: {
    meaning: 'The value the server sent in its DPoP-Nonce header, when it asks for one (use_dpop_nonce).',
    spec: 'RFC 9449 §4.2, §8, §9',
  },
  ath: {
    meaning: 'base64url(SHA-256(access token)): binds the proof to the access token it is sent with.',
    spec: 'RFC 9449 §4.2, §7.1',
  },
}

const PRIVATE_JWK_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])

function publicMembers(jwk: JWK): JWK {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(jwk)) {
    if (!PRIVATE_JWK_MEMBERS.has(k) && k !== 'key_ops' && k !== 'ext') out[k] = v
  }
  return out as JWK
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function jsonValue(v: unknown): ProofPart['value'] {
  if (typeof v === 'string' || typeof v === 'number') return v
  if (isRecord(v)) return v
  return v === undefined ? undefined : JSON.stringify(v)
}

/** The request URL as htu must carry it: without query and fragment (RFC 9449 §4.2). */
export function htuOf(url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return url
  }
}

/** base64url(SHA-256(access token)), the ath claim (RFC 9449 §4.2). */
export async function athOf(accessToken: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))))
}

/**
 * Decodes a DPoP header value for teaching: the header (typ, alg, public jwk) and claims (htm, htu,
 * iat, jti, nonce, ath) with their meaning, and — given the request it accompanied — the checks a
 * server makes (RFC 9449 §4.3). The signature is neither verified nor kept. Never throws.
 */
export async function decodeProof(headerValue: string, request?: ProofRequest): Promise<DecodedProof> {
  const redacted = redactProof(headerValue)
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    header = decodeProtectedHeader(headerValue) as Record<string, unknown>
    claims = decodeJwt(headerValue) as Record<string, unknown>
  } catch (err) {
    return {
      redacted,
      header: [],
      claims: [],
      checks: [],
      error: `Not a DPoP proof (a JWS with a JSON header and payload): ${err instanceof Error ? err.message : String(err)}`,
    }
  }
  const out: DecodedProof = { redacted, header: [], claims: [], checks: [] }
  for (const name of ['typ', 'alg', 'jwk']) {
    const value = jsonValue(name === 'jwk' && isRecord(header.jwk) ? publicMembers(header.jwk as JWK) : header[name])
    out.header.push({
      name,
      ...(value !== undefined ? { value } : {}),
      meaning: HEADER_MEANINGS[name] ?? '',
      spec: 'RFC 9449 §4.2',
    })
  }
  for (const [name, { meaning, spec }] of Object.entries(CLAIM_MEANINGS)) {
    const value = jsonValue(claims[name])
    out.claims.push({ name, ...(value !== undefined ? { value } : {}), meaning, spec })
  }

  const check = (id: ProofCheck['id'], ok: boolean, detail: string, spec = 'RFC 9449 §4.2, §4.3'): void => {
    out.checks.push({ id, ok, detail, spec })
  }
  check('typ', header.typ === 'dpop+jwt', `typ must be "dpop+jwt"; the proof says ${JSON.stringify(header.typ)}.`)
  const alg = header.alg
  check(
    'alg',
    typeof alg === 'string' && alg !== 'none' && !alg.startsWith('HS'),
    `alg must be an asymmetric algorithm; the proof says ${JSON.stringify(alg)}.`,
  )
  const jwk = header.jwk
  const privateMember = isRecord(jwk) ? Object.keys(jwk).find((k) => PRIVATE_JWK_MEMBERS.has(k)) : undefined
  check(
    'jwk',
    isRecord(jwk) && privateMember === undefined,
    !isRecord(jwk)
      ? 'jwk (the public key) is missing.'
      : privateMember
        ? `jwk must be a public key; it carries the private member "${privateMember}".`
        : 'jwk is a public key.',
  )
  if (isRecord(jwk) && privateMember === undefined) {
    try {
      out.thumbprint = await calculateJwkThumbprint(jwk as JWK, 'sha256')
    } catch {
      // not a key jose knows: no thumbprint
    }
  }
  check(
    'iat',
    typeof claims.iat === 'number',
    `iat must be a number (seconds since the epoch); the proof says ${JSON.stringify(claims.iat)}.`,
  )
  check(
    'jti',
    typeof claims.jti === 'string' && claims.jti !== '',
    `jti must be a unique string; the proof says ${JSON.stringify(claims.jti)}.`,
  )
  if (request) {
    const method = request.method.toUpperCase()
    check(
      'htm',
      claims.htm === method,
      `htm must be ${JSON.stringify(method)}; the proof says ${JSON.stringify(claims.htm)}.`,
    )
    const htu = htuOf(request.url)
    check(
      'htu',
      claims.htu === htu,
      `htu must be the request URL without query and fragment, ${JSON.stringify(htu)}; the proof says ${JSON.stringify(claims.htu)}.`,
    )
    if (request.accessToken) {
      const ath = await athOf(request.accessToken)
      check(
        'ath',
        claims.ath === ath,
        `ath must be base64url(SHA-256(access token)), ${JSON.stringify(ath)}; the proof says ${JSON.stringify(claims.ath)}.`,
        'RFC 9449 §4.2, §4.3, §7.1',
      )
    } else if (claims.ath !== undefined) {
      check('ath', false, 'ath is present but no access token was sent with this request.', 'RFC 9449 §4.2')
    }
  }
  return out
}

/**
 * DPoP for one request: the oauth4webapi handle (it signs a proof per request and keeps the
 * server's nonces) and the thumbprint of its key (what a bound token's cnf.jkt must be).
 */
export interface DpopUse {
  handle: oauth.DPoPHandle
  thumbprint: string
}

/**
 * Sends a request (once, without `dpop`). With a DPoP proof, when the server answers use_dpop_nonce (RFC 9449
 * §8) with a DPoP-Nonce the page can read, sends it ONCE more (the handle has cached the nonce).
 * Both exchanges are recorded. With a hidden nonce it does not retry and says why. `process` runs
 * the oauth4webapi processing of the step on a clone (it decides what a nonce error is).
 * A failed fetch (first or retry) is thrown to the caller as is.
 */
export async function sendWithDpopNonceRetry(
  dpop: DpopUse | undefined,
  send: () => Promise<Response>,
  process: (response: Response) => Promise<unknown>,
  recorder: Recorder,
  step: StepRef,
  endpoint: string,
): Promise<{ response: Response; findings: Finding[] }> {
  // Without DPoP there is no nonce to ask for: the request is sent once.
  if (!dpop) return { response: await send(), findings: [] }
  const findings: Finding[] = []
  const response = await send()
  if (response.status !== 400 && response.status !== 401) return { response, findings }
  let nonceError = false
  try {
    await process(response.clone())
  } catch (err) {
    nonceError = oauth.isDPoPNonceError(err)
  }
  if (!nonceError) return { response, findings }
  if (readableNonce(recorder.exchanges.at(-1)) === undefined) {
    findings.push(dpopNonceNotExposedFinding(step, endpoint))
    return { response, findings }
  }
  const label = recorder.label
  recorder.label = `${label.replace(/\s*\(.*\)$/, '')} (retried once with the DPoP nonce)`
  try {
    const retry = await send()
    findings.push(dpopNonceRoundTripFinding(step, endpoint, retry.status))
    return { response: retry, findings }
  } finally {
    recorder.label = label
  }
}
