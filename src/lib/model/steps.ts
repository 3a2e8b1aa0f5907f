/**
 * The order of the steps, defined once. The driver, the progress rail and the report all read it.
 * What each step does and why (the panel's text) is teaching/step-guide.ts, loaded with the panel.
 */
import type { SideStepId, StepId, StepRef } from './types'

export interface StepInfo {
  id: StepId
  title: string
  /** One line for the rail. */
  summary: string
  /** Only when starting from an MCP server URL. */
  mcpOnly?: true
}

export const STEPS: readonly StepInfo[] = [
  {
    id: 'configure',
    title: 'Configure',
    summary: 'Server, client and what to ask for',
  },
  {
    id: 'mcp-probe',
    title: 'MCP: first request',
    summary: 'Call the MCP server without a token',
    mcpOnly: true,
  },
  {
    id: 'mcp-discovery',
    title: 'MCP: resource metadata',
    summary: 'Which authorization server protects it',
    mcpOnly: true,
  },
  {
    id: 'discovery',
    title: 'Discover',
    summary: 'Fetch the server metadata',
  },
  {
    id: 'registration',
    title: 'MCP: client registration',
    summary: 'Pre-registered, CIMD or DCR',
    mcpOnly: true,
  },
  {
    id: 'pkce',
    title: 'PKCE',
    summary: 'Make the code_verifier and its challenge',
  },
  {
    id: 'authorization',
    title: 'Authorize',
    summary: 'Send the browser to the server',
  },
  {
    id: 'callback',
    title: 'Callback',
    summary: 'Check the response that came back',
  },
  {
    id: 'token',
    title: 'Token request',
    summary: 'Exchange the code for tokens',
  },
  {
    id: 'tokens',
    title: 'Tokens',
    summary: 'Decode and verify what was issued',
  },
  {
    id: 'mcp-tools',
    title: 'MCP: tools',
    summary: 'Initialize and list tools with the token',
    mcpOnly: true,
  },
]

export const STEP_IDS: readonly StepId[] = STEPS.map((s) => s.id)

/** The steps of one run: the MCP steps only when starting from an MCP server URL. */
export function stepsFor(mcp: boolean): readonly StepInfo[] {
  return mcp ? STEPS : STEPS.filter((s) => !s.mcpOnly)
}

export function stepIndex(id: StepId): number {
  return STEP_IDS.indexOf(id)
}

export function stepInfo(id: StepId): StepInfo {
  const info = STEPS.find((s) => s.id === id)
  if (!info) throw new Error(`unknown step ${id}`)
  return info
}

/** A step outside the main flow: its own panel, status and findings, run on demand. */
export interface SideStepInfo {
  id: SideStepId
  title: string
  spec: string
  /** Shown in the "After the token" panel (the actions that use the tokens). */
  afterToken?: true
}

/**
 * The side steps, in display order, defined once: the CORS check, the after-token actions and the
 * server probes. The driver, the panels, the diagram and the report read it.
 */
export const SIDE_STEPS: readonly SideStepInfo[] = [
  { id: 'cors', title: 'CORS check', spec: 'Fetch §3.2; draft-ietf-oauth-browser-based-apps §6.3.3.4' },
  { id: 'refresh', title: 'Refresh', spec: 'RFC 6749 §6; OIDC Core §12.2', afterToken: true },
  { id: 'userinfo', title: 'UserInfo', spec: 'OIDC Core §5.3', afterToken: true },
  { id: 'introspection', title: 'Introspection', spec: 'RFC 7662', afterToken: true },
  { id: 'revocation', title: 'Revocation', spec: 'RFC 7009', afterToken: true },
  { id: 'resource', title: 'Protected resource', spec: 'RFC 6750 §2.1, §3', afterToken: true },
  { id: 'probes', title: 'Server probes', spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1' },
]

export const SIDE_STEP_IDS: readonly SideStepId[] = SIDE_STEPS.map((s) => s.id)

/** The steps that run only when starting from an MCP server URL. */
export const MCP_STEP_IDS: readonly StepId[] = STEPS.filter((s) => s.mcpOnly).map((s) => s.id)

/** The side steps of the "After the token" panel, in order. */
export const AFTER_TOKEN_STEPS: readonly SideStepInfo[] = SIDE_STEPS.filter((s) => s.afterToken)

/** Is this string a step or side step id? */
export function isStepRef(value: string): value is StepRef {
  return (STEP_IDS as readonly string[]).includes(value) || (SIDE_STEP_IDS as readonly string[]).includes(value)
}
