let counter = 0
/** A short id for an exchange (or a run), unique within this page load. */
export function nextExchangeId(prefix = 'x'): string {
  counter += 1
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}`
}
