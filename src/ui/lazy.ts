import type { Component } from 'svelte'
import type { StepId } from '../lib/model/types'

/**
 * The panels loaded on demand, in one table: App renders them through <Lazy>, and main.ts starts
 * the ones a callback needs while the page is still mounting (a redirect back with a code should
 * not wait for the first paint to fetch the token panels).
 */
export const panels = {
  sequenceDiagram: () => import('./SequenceDiagram.svelte'),
  corsCheck: () => import('./steps/CorsCheckStep.svelte'),
  afterToken: () => import('./steps/AfterTokenPanel.svelte'),
  probes: () => import('./steps/ProbesPanel.svelte'),
  summary: () => import('./SummaryPanel.svelte'),
  glossary: () => import('./Glossary.svelte'),
  /** The token viewer (needs jose), inside the Tokens step. */
  jwtView: () => import('./common/JwtView.svelte'),
  /** One recorded HTTP exchange (a step panel's raw material). */
  exchangeView: () => import('./common/ExchangeView.svelte'),
  /** A step's findings (a step has findings only once it ran). */
  findingList: () => import('./common/FindingList.svelte'),
  /** What a share link set that decides where secrets go (only for a link that sets such things). */
  linkNotice: () => import('./LinkNotice.svelte'),
  /** A DPoP proof, decoded and checked against its request. */
  dpopProof: () => import('./common/DpopProof.svelte'),
  /** Configure's other options (resource, extra parameters, endpoints by hand). */
  configureMore: () => import('./steps/ConfigureMore.svelte'),
  /** What happens in a step and why, with the terms' definitions in place. */
  stepGuide: () => import('./common/StepGuide.svelte'),
}

/**
 * The step panels that load on demand, by step id (only Configure is part of the first view, see
 * App.svelte). The order in which they show is the step order (model/steps.ts), not this table's.
 */
export const stepPanels: Partial<Record<StepId, () => Promise<{ default: Component }>>> = {
  discovery: () => import('./steps/DiscoveryStep.svelte'),
  pkce: () => import('./steps/PkceStep.svelte'),
  authorization: () => import('./steps/AuthorizeStep.svelte'),
  'mcp-probe': () => import('./steps/McpProbeStep.svelte'),
  'mcp-discovery': () => import('./steps/McpDiscoveryStep.svelte'),
  registration: () => import('./steps/RegistrationStep.svelte'),
  callback: () => import('./steps/CallbackStep.svelte'),
  token: () => import('./steps/TokenStep.svelte'),
  tokens: () => import('./steps/TokensStep.svelte'),
  'mcp-tools': () => import('./steps/McpToolsStep.svelte'),
}

/** What a page loaded with an authorization response needs next: fetched at once, in parallel. */
export function warmCallbackPanels(): void {
  // The MCP steps' panels load with the page when the run is an MCP one; the others are needed at once.
  const loads: Array<() => Promise<unknown>> = [
    ...Object.entries(stepPanels)
      .filter(([id]) => !id.startsWith('mcp-') && id !== 'registration')
      .map(([, load]) => load),
    panels.jwtView,
    panels.exchangeView,
    panels.stepGuide,
  ]
  for (const load of loads) {
    void load?.().catch(() => undefined)
  }
}
