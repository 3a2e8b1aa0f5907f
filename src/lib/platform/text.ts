/**
 * Small, throw-proof text helpers for server data: cut a long value, parse a JSON object, show any
 * value as one short line. Pure; used by every layer above.
 */

/** `text` cut to at most `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text
}

/** The JSON object in `text`, or undefined when it is absent, not JSON or not an object. */
export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined
  try {
    const v: unknown = JSON.parse(text)
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    return undefined
  }
  return undefined
}

/** Any value as one short line of text (JSON for objects, "(absent)" for undefined); never throws. */
export function showValue(value: unknown, max = 200): string {
  if (value === undefined) return '(absent)'
  try {
    return clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)), max)
  } catch {
    return clip(String(value), max)
  }
}
