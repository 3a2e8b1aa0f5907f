/**
 * The encodings under which a secret (code, verifier, client secret, refresh token, signature) can
 * hide in text, shared by the report's redaction and the share link. Pure; no library needed.
 */

/** Percent-decodes (form-style: "+" is a space); returns the input when it is not valid. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '))
  } catch {
    return value
  }
}

/** True when `text` contains one of `literals` as is. */
export function containsLiteral(text: string, literals: readonly string[]): boolean {
  return literals.some((l) => text.includes(l))
}

/**
 * Literal variants of a secret: as is, percent-encoded (once and twice), form-encoded, and the
 * base64 and base64url characters that encode it at each of the three byte alignments (so that it is
 * found inside a longer encoded value too, e.g. base64("verifier=" + secret)). JSON escapes and other
 * percent-encodings are found by decoding instead (the report's redaction decodes, and
 * {@link carriesSecret} does).
 */
export function literalVariants(secret: string): string[] {
  const out = new Set([secret])
  out.add(encodeURIComponent(secret))
  out.add(encodeURIComponent(encodeURIComponent(secret)))
  out.add(new URLSearchParams({ s: secret }).toString().slice(2))
  for (const core of base64Cores(secret)) {
    out.add(core)
    out.add(core.replaceAll('+', '-').replaceAll('/', '_'))
  }
  return [...out]
}

/** The base64 characters fully determined by `secret`'s bytes, at byte offsets 0, 1 and 2. */
export function base64Cores(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret)
  const out: string[] = []
  for (const k of [0, 1, 2]) {
    const padded = new Uint8Array(k + bytes.length)
    padded.set(bytes, k)
    let bin = ''
    for (const b of padded) bin += String.fromCharCode(b)
    const b64 = btoa(bin)
    // Character i carries bits [6i, 6i + 6): those inside the secret's bytes [8k, 8(k + n)).
    const core = b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6))
    if (core.length >= 8) out.push(core)
  }
  return out
}

/**
 * True when `text` carries one of `secrets` (at least 6 characters): as is, in one of its
 * {@link literalVariants}, or after up to three rounds of percent-decoding.
 */
export function carriesSecret(text: string, secrets: readonly string[]): boolean {
  const literals = secrets.filter((s) => typeof s === 'string' && s.length >= 6).flatMap(literalVariants)
  if (!literals.length) return false
  let t = text
  for (let i = 0; i < 4; i++) {
    if (containsLiteral(t, literals)) return true
    const next = safeDecode(t)
    if (next === t) break
    t = next
  }
  return false
}
