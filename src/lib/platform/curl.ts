/** An equivalent curl command for a recorded request (kept light: part of the first view). */
import type { RecordedRequest } from '../model/types'

/** Shell-quotes a value for a POSIX shell. */
function sq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** An equivalent curl command (the Origin header is added, as the browser would). */
export function toCurl(request: RecordedRequest, options: { includeOrigin?: boolean } = {}): string {
  const lines = [`curl -i -X ${request.method} ${sq(request.url)}`]
  for (const [k, v] of request.headers) lines.push(`  -H ${sq(`${k}: ${v}`)}`)
  if (options.includeOrigin) {
    const origin = request.browserAdded.find(([k]) => k === 'origin')
    if (origin) lines.push(`  -H ${sq(`origin: ${origin[1]}`)}`)
  }
  if (request.body) lines.push(`  --data-raw ${sq(request.body)}`)
  return lines.join(' \\\n')
}
