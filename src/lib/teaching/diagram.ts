/**
 * The sequence diagram of the flow, as data: the canonical arrows of the authorization-code flow
 * with PKCE, merged with the HTTP exchanges this run actually recorded. Pure and deterministic;
 * SequenceDiagram.svelte only draws what this returns (and `layoutDiagram` says where).
 */
import type { HttpExchange, StepStatus } from '../model/types'
import { AFTER_TOKEN_STEPS, MCP_STEP_IDS, STEP_IDS } from '../model/steps'

export type Lane = 'user' | 'app' | 'as' | 'rs'

export const LANES: ReadonlyArray<{ id: Lane; name: string; short: [string, string]; lines: [string, string] }> = [
  { id: 'user', name: 'User / browser', short: ['User /', 'browser'], lines: ['User /', 'browser'] },
  {
    id: 'app',
    name: 'PKCE Playground (this page)',
    short: ['This', 'page'],
    lines: ['PKCE Playground', '(this page)'],
  },
  { id: 'as', name: 'Authorization server', short: ['Auth', 'server'], lines: ['Authorization', 'server'] },
  { id: 'rs', name: 'Resource / MCP server', short: ['Resource', '/ MCP'], lines: ['Resource /', 'MCP server'] },
]

export type ArrowStatus = 'ok' | 'warning' | 'error' | 'pending'

export interface Arrow {
  id: string
  from: Lane
  to: Lane
  label: string
  /** A StepId, or a side step such as 'cors', 'refresh', 'userinfo', 'mcp-tools'. */
  step: string
  kind: 'request' | 'response' | 'redirect' | 'local'
  /** Set on arrows drawn for a recorded exchange: they link to `#exchange-<id>`. */
  exchangeId?: string
  status?: ArrowStatus
  /** The outcome of a recorded exchange, e.g. "200", "400", "CORS blocked". */
  detail?: string
}

export interface DiagramInput {
  exchanges: readonly HttpExchange[]
  status: Partial<Record<string, StepStatus>>
  current: string
  /** MCP mode (an MCP server URL is set): adds the MCP steps' canonical arrows. */
  mcp?: boolean
  /** The authorization request was pushed (PAR): the redirect carries only client_id and request_uri. */
  par?: boolean
}

type Canonical = Omit<Arrow, 'id' | 'status'>

/** The flow as the specs describe it, before anything was sent. */
const CANONICAL: readonly Canonical[] = [
  { step: 'configure', from: 'user', to: 'app', kind: 'local', label: 'Enter issuer, client_id, scope' },
  { step: 'mcp-probe', from: 'app', to: 'rs', kind: 'request', label: 'POST initialize without a token' },
  {
    step: 'mcp-probe',
    from: 'rs',
    to: 'app',
    kind: 'response',
    label: '401, WWW-Authenticate: Bearer resource_metadata',
  },
  { step: 'mcp-discovery', from: 'app', to: 'rs', kind: 'request', label: 'GET /.well-known/oauth-protected-resource' },
  { step: 'mcp-discovery', from: 'rs', to: 'app', kind: 'response', label: 'Resource metadata: authorization_servers' },
  { step: 'discovery', from: 'app', to: 'as', kind: 'request', label: 'GET /.well-known/… (metadata)' },
  { step: 'discovery', from: 'as', to: 'app', kind: 'response', label: 'Metadata: endpoints, PKCE methods, jwks_uri' },
  {
    step: 'registration',
    from: 'app',
    to: 'as',
    kind: 'request',
    label: 'POST registration_endpoint (client metadata)',
  },
  { step: 'registration', from: 'as', to: 'app', kind: 'response', label: 'client_id' },
  { step: 'pkce', from: 'app', to: 'app', kind: 'local', label: 'code_verifier → SHA-256 → code_challenge' },
  {
    step: 'authorization',
    from: 'app',
    to: 'as',
    kind: 'redirect',
    label: 'Redirect to /authorize (code_challenge, state)',
  },
  { step: 'authorization', from: 'user', to: 'as', kind: 'local', label: 'User logs in and consents' },
  { step: 'callback', from: 'as', to: 'app', kind: 'redirect', label: 'Redirect back: code, state, iss' },
  { step: 'callback', from: 'app', to: 'app', kind: 'local', label: 'Check state and iss' },
  { step: 'token', from: 'app', to: 'as', kind: 'request', label: 'POST /token (code, code_verifier)' },
  { step: 'token', from: 'as', to: 'app', kind: 'response', label: 'Access, ID and refresh tokens' },
  { step: 'tokens', from: 'app', to: 'as', kind: 'request', label: 'GET jwks_uri' },
  { step: 'tokens', from: 'as', to: 'app', kind: 'response', label: 'JWKS (public keys)' },
  { step: 'tokens', from: 'app', to: 'app', kind: 'local', label: 'Verify ID token: signature, iss, aud, nonce' },
  { step: 'mcp-tools', from: 'app', to: 'rs', kind: 'request', label: 'initialize, tools/list with the access token' },
  { step: 'mcp-tools', from: 'rs', to: 'app', kind: 'response', label: 'Tools of the MCP server' },
  { step: 'resource', from: 'app', to: 'rs', kind: 'request', label: 'Call the resource with the access token' },
  { step: 'resource', from: 'rs', to: 'app', kind: 'response', label: 'Result' },
]

/** Steps that have canonical arrows only in MCP mode, and the one that has them only outside it. */
const MCP_ONLY = new Set<string>(MCP_STEP_IDS)
const PLAIN_ONLY = new Set(['resource'])

/** Side steps shown in the "After the token" panel (`#step-after`). */
const AFTER_TOKEN: readonly string[] = AFTER_TOKEN_STEPS.map((s) => s.id)

/**
 * Where each step's arrows go, top to bottom: the step table's order, the CORS check after
 * discovery, then the after-the-token calls and the opt-in probes. Unknown side steps follow, in
 * recording order.
 */
const ORDER: readonly string[] = [
  ...STEP_IDS.flatMap((id): string[] => (id === 'discovery' ? [id, 'cors'] : [id])),
  ...AFTER_TOKEN,
  'probes',
]

/** The id of the panel that shows a step (`step-<id>`, or the shared "After the token" panel). */
export function stepAnchor(step: string): string {
  return AFTER_TOKEN.includes(step) ? 'step-after' : `step-${step}`
}

export function truncate(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  if (max <= 1) return '…'
  return chars.slice(0, max - 1).join('') + '…'
}

/** "GET /token": the method and the path of the URL (never its query: it may carry secrets). */
export function exchangeLabel(ex: HttpExchange, max = 48): string {
  let path: string
  try {
    const u = new URL(ex.request.url)
    path = u.pathname || '/'
  } catch {
    path = ex.request.url.split(/[?#]/)[0] ?? ''
  }
  // A request with a DPoP proof says so: the proof is what binds the tokens to this page's key.
  const proof = ex.request.headers.some(([k]) => k.toLowerCase() === 'dpop') ? ' + DPoP proof' : ''
  return truncate(`${ex.request.method.toUpperCase()} ${path}${proof}`, max)
}

export function exchangeStatus(ex: HttpExchange): { status: ArrowStatus; detail: string } {
  const r = ex.response
  if (r && r.status >= 200 && r.status < 400) return { status: 'ok', detail: String(r.status) }
  if (r && r.status >= 400) return { status: 'error', detail: String(r.status) }
  if (r) return { status: 'error', detail: r.type === 'opaqueredirect' ? 'redirected' : r.type || 'no status' }
  const cors = ex.cors
  const detail =
    cors === 'blocked-by-cors'
      ? 'CORS blocked'
      : cors === 'preflight-failed'
        ? 'preflight failed'
        : cors === 'not-checked' || cors === 'readable'
          ? 'failed'
          : cors.replace(/-/g, ' ')
  return { status: 'error', detail }
}

/** The lane of the server an exchange of `step` talked to. */
export function laneFor(step: string, url: string): Lane {
  if (step === 'resource' || step === 'mcp-probe' || step === 'mcp-tools') return 'rs'
  if (step.startsWith('mcp-')) {
    // mcp-discovery reads the resource's metadata (RFC 9728) and then the AS metadata (RFC 8414).
    if (/\/\.well-known\/(oauth-authorization-server|openid-configuration)/.test(url)) return 'as'
    return 'rs'
  }
  return 'as'
}

function stepArrowStatus(s: StepStatus | undefined): ArrowStatus {
  switch (s) {
    case 'ok':
      return 'ok'
    case 'warning':
      return 'warning'
    case 'error':
      return 'error'
    default:
      return 'pending'
  }
}

function exchangeArrow(ex: HttpExchange): Arrow {
  const { status, detail } = exchangeStatus(ex)
  return {
    id: `x-${ex.id}`,
    from: 'app',
    to: laneFor(String(ex.step), ex.request.url),
    label: exchangeLabel(ex),
    step: String(ex.step),
    kind: 'request',
    exchangeId: ex.id,
    status,
    detail,
  }
}

/**
 * The arrows, top to bottom. A step that recorded exchanges shows one arrow per exchange in place
 * of its canonical request/response pair; its local (no network) arrows stay.
 */
export function buildDiagram(input: DiagramInput): Arrow[] {
  const byStep = new Map<string, HttpExchange[]>()
  for (const ex of input.exchanges) {
    const step = String(ex.step)
    const list = byStep.get(step)
    if (list) list.push(ex)
    else byStep.set(step, [ex])
  }
  const steps = [...ORDER]
  for (const step of byStep.keys()) if (!steps.includes(step)) steps.push(step)

  const out: Arrow[] = []
  for (const step of steps) {
    const recorded = byStep.get(step) ?? []
    const shown = input.mcp ? !PLAIN_ONLY.has(step) : !MCP_ONLY.has(step)
    const canonical = shown ? CANONICAL.filter((c) => c.step === step) : []
    const status = stepArrowStatus(input.status[step])
    let placed = recorded.length === 0
    // A step whose canonical arrows are all local or redirects sends its requests first (PAR: the
    // request is pushed before the browser is redirected).
    if (!placed && !canonical.some((c) => c.kind === 'request' || c.kind === 'response')) {
      out.push(...recorded.map(exchangeArrow))
      placed = true
    }
    canonical.forEach((c, i) => {
      const network = c.kind === 'request' || c.kind === 'response'
      if (network && recorded.length > 0) {
        if (!placed) {
          out.push(...recorded.map(exchangeArrow))
          placed = true
        }
        return
      }
      const label =
        input.par && step === 'authorization' && c.kind === 'redirect'
          ? 'Redirect to /authorize (client_id, request_uri)'
          : c.label
      out.push({ ...c, label, id: `c-${step}-${i}`, status })
    })
    if (!placed) out.push(...recorded.map(exchangeArrow))
  }
  return out
}

/** The arrows that belong to the step shown now. */
export function isCurrent(arrow: Arrow, current: string): boolean {
  return arrow.step === current
}

/** Where an arrow links to: its exchange, or else its step's panel. */
export function arrowHref(arrow: Arrow): string {
  return arrow.exchangeId ? `#exchange-${arrow.exchangeId}` : `#${stepAnchor(arrow.step)}`
}

/** One sentence for the accessible name of the whole diagram. */
export function diagramSummary(arrows: readonly Arrow[], current: string): string {
  const recorded = arrows.filter((a) => a.exchangeId).length
  const failed = arrows.filter((a) => a.exchangeId && a.status === 'error').length
  const now = arrows.filter((a) => a.step === current).length
  return (
    `Sequence diagram of the authorization-code flow with PKCE between the user's browser, this page, ` +
    `the authorization server and the resource or MCP server: ${arrows.length} messages, ` +
    `${recorded} recorded HTTP exchange${recorded === 1 ? '' : 's'}` +
    (failed ? ` (${failed} failed)` : '') +
    (now ? `; ${now} message${now === 1 ? '' : 's'} of the current step (${current}) highlighted.` : '.')
  )
}

// ---------------------------------------------------------------------------------------------
// Layout: 1 unit of the viewBox is 1 CSS pixel (the SVG is as wide as its container), so text
// stays 12 px at every width. Narrow containers get short lane names and shorter labels.

export interface LaidOutArrow {
  arrow: Arrow
  x1: number
  x2: number
  /** y of the arrow line. */
  y: number
  /** Where the label goes (text-anchor start), and the label cut to fit the width. */
  labelX: number
  labelY: number
  text: string
  /** " → 404" for a recorded exchange (drawn in the status colour), else ''. */
  suffix: string
  /** Row band (for the current-step highlight and the click target). */
  rowY: number
  rowH: number
}

export interface DiagramLayout {
  width: number
  height: number
  narrow: boolean
  headerH: number
  lanes: Array<{ id: Lane; x: number; lines: string[]; name: string }>
  arrows: LaidOutArrow[]
}

export const ROW_H = 38
/** Average advance of a 12 px system-ui character, a little generous. */
export const CHAR_W = 6.6
export const MIN_WIDTH = 280

export function layoutDiagram(arrows: readonly Arrow[], containerWidth: number): DiagramLayout {
  const width = Math.max(MIN_WIDTH, Math.round(containerWidth || 640))
  const narrow = width < 600
  const margin = narrow ? 36 : 80
  const headerH = 44
  const gap = (width - 2 * margin) / (LANES.length - 1)
  const lanes = LANES.map((l, i) => ({
    id: l.id,
    x: Math.round(margin + i * gap),
    lines: narrow ? [...l.short] : [...l.lines],
    name: l.name,
  }))
  const xOf = (lane: Lane) => lanes.find((l) => l.id === lane)?.x ?? margin
  const maxChars = Math.max(10, Math.floor((width - 16) / CHAR_W))
  const laid = arrows.map((arrow, i): LaidOutArrow => {
    const rowY = headerH + 8 + i * ROW_H
    const y = rowY + ROW_H - 10
    const x1 = xOf(arrow.from)
    const x2 = arrow.from === arrow.to ? x1 + 28 : xOf(arrow.to)
    // The outcome ("404", "CORS blocked") is never cut; the label gives way.
    const suffix = arrow.detail ? ` → ${arrow.detail}` : ''
    const text = truncate(arrow.label, Math.max(6, maxChars - Array.from(suffix).length))
    const textW = Array.from(text + suffix).length * CHAR_W
    const left = Math.min(x1, x2)
    const right = Math.max(x1, x2)
    // Centre the label over the arrow, then keep it inside the drawing.
    // A local step's label goes right of its loop when it fits there, else above the loop.
    const beside = arrow.from === arrow.to && x2 + 6 + textW <= width - 8
    let labelX = beside ? x2 + 6 : (left + right) / 2 - textW / 2
    labelX = Math.max(8, Math.min(labelX, width - 8 - textW))
    const labelY = beside ? y - 2 : arrow.from === arrow.to ? y - 16 : y - 8
    return { arrow, x1, x2, y, labelX: Math.round(labelX), labelY, text, suffix, rowY, rowH: ROW_H }
  })
  return { width, height: headerH + 8 + arrows.length * ROW_H + 12, narrow, headerH, lanes, arrows: laid }
}
