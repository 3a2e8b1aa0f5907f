/**
 * The code_verifier rules, apart from the crypto so that the first view can validate input live
 * without loading oauth4webapi.
 * @see https://www.rfc-editor.org/rfc/rfc7636.html#section-4.1
 */
export const VERIFIER_MIN = 43
export const VERIFIER_MAX = 128
export const UNRESERVED = /^[A-Za-z0-9\-._~]*$/

/** A problem with a code_verifier, or undefined when it is valid (RFC 7636 §4.1). */
export function validateVerifier(verifier: string): string | undefined {
  if (verifier.length < VERIFIER_MIN) {
    return `Too short: ${verifier.length} characters; RFC 7636 §4.1 requires at least ${VERIFIER_MIN}.`
  }
  if (verifier.length > VERIFIER_MAX) {
    return `Too long: ${verifier.length} characters; RFC 7636 §4.1 allows at most ${VERIFIER_MAX}.`
  }
  if (!UNRESERVED.test(verifier)) {
    const bad = [...new Set([...verifier].filter((c) => !UNRESERVED.test(c)))].slice(0, 5)
    return `Contains characters outside the unreserved set [A-Z a-z 0-9 - . _ ~]: ${bad
      .map((c) => JSON.stringify(c))
      .join(', ')} (RFC 7636 §4.1).`
  }
  return undefined
}
