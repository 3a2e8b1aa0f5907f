// Findings for failures that say nothing about the server: an unparseable URL, a playground bug, and
// anything unrecognised.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { getString, show, libraryText, data, type Ctx, endpointLabel } from './context'

export function invalidUrl(c: Ctx, message: string, code: string | undefined): Finding {
  return finding('invalid-url', 'error', c.step, {
    title: 'A URL could not be parsed',
    detail: `A URL involved in ${endpointLabel(c)} is not a valid absolute URL. It is either a value entered in Configure or one the server sent (for example an "issuer" or endpoint in the metadata that is relative or contains spaces).${libraryText(message, code)}`,
    fix: 'Use absolute URLs (https://host/path) everywhere: in the configuration and in every URL-valued metadata member.',
    spec: 'RFC 3986 §4.3; RFC 8414 §2',
    data: data({ url: c.url }),
  })
}

export function playgroundBug(c: Ctx, message: string, code: string | undefined): Finding {
  return finding('playground-bug', 'error', c.step, {
    title: 'A bug in the playground (not your server)',
    detail: `The playground passed an invalid argument to a library or hit a programming error while handling ${endpointLabel(c)}. This says nothing about the server.${libraryText(message, code)}`,
    fix: 'Please report it to the playground maintainers with the steps that led here; restarting the flow may work around it.',
    spec: '— (application bug, no spec rule involved)',
    data: data({ code, message }),
  })
}

export function unknownFinding(err: unknown, c: Ctx, detail?: string): Finding {
  const name = getString(err, 'name')
  const message = getString(err, 'message')
  let described = detail
  if (described === undefined) {
    if (typeof err === 'string') described = `A plain text error was thrown: "${clip(err)}".`
    else if (err === null || err === undefined)
      described = `The operation failed without any error value (${String(err)}).`
    else if (typeof err !== 'object' && typeof err !== 'function')
      described = `A bare value was thrown: ${show(err, 80)}.`
    else if (message !== undefined) described = `${name ?? 'Error'}: "${clip(message)}".`
    else described = `A value without a message was thrown (${show(err, 120)}).`
  }
  return finding('unknown-error', 'error', c.step, {
    title: `Something unexpected went wrong in ${endpointLabel(c, false)}`,
    detail: `${described} The playground does not recognise this failure, so it cannot tell whether the server or the playground is at fault. The HTTP log shows what was sent and received.`,
    fix: 'Check the HTTP log and the browser console. If the server response looks correct, report it to the playground maintainers.',
    spec: '—',
    data: data({ name, message: typeof err === 'string' ? err : message, endpoint: c.op }),
  })
}
