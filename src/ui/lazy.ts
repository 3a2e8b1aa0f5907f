import type { Component } from 'svelte'
import type { StepId } from '../lib/model/types'
import { remember } from './loaded'

/**
 * The panels loaded on demand, in one table: App renders them through <Lazy>, and main.ts starts
 * the ones a callback needs while the page is still mounting (a redirect back with a code should
 * not wait for the first paint to fetch the token panels).
 */
export const panels = {
  sequenceDiagram: remember(() => import('./SequenceDiagram.svelte')),
  corsCheck: remember(() => import('./steps/CorsCheckStep.svelte')),
  afterToken: remember(() => import('./steps/AfterTokenPanel.svelte')),
  probes: remember(() => import('./steps/ProbesPanel.svelte')),
  summary: remember(() => import('./SummaryPanel.svelte')),
  glossary: remember(() => import('./Glossary.svelte')),
  /** The token viewer (needs jose), inside the Tokens step. */
  jwtView: remember(() => import('./common/JwtView.svelte')),
  /** One recorded HTTP exchange (a step panel's raw material). */
  exchangeView: remember(() => import('./common/ExchangeView.svelte')),
  /** A step's findings (a step has findings only once it ran). */
  findingList: remember(() => import('./common/FindingList.svelte')),
  /** What a share link set that decides where secrets go (only for a link that sets such things). */
  linkNotice: remember(() => import('./LinkNotice.svelte')),
  /** A DPoP proof, decoded and checked against its request. */
  dpopProof: remember(() => import('./common/DpopProof.svelte')),
  /** Configure's other options (resource, extra parameters, endpoints by hand). */
  configureMore: remember(() => import('./steps/ConfigureMore.svelte')),
  /** What happens in a step and why, with the terms' definitions in place. */
  stepGuide: remember(() => import('./common/StepGuide.svelte')),
}

/**
 * The step panels that load on demand, by step id (only Configure is part of the first view, see
 * App.svelte). The order in which they show is the step order (model/steps.ts), not this table's.
 */
export const stepPanels: Partial<Record<StepId, () => Promise<{ default: Component }>>> = {
  discovery: remember(() => import('./steps/DiscoveryStep.svelte')),
  pkce: remember(() => import('./steps/PkceStep.svelte')),
  authorization: remember(() => import('./steps/AuthorizeStep.svelte')),
  'mcp-probe': remember(() => import('./steps/McpProbeStep.svelte')),
  'mcp-discovery': remember(() => import('./steps/McpDiscoveryStep.svelte')),
  registration: remember(() => import('./steps/RegistrationStep.svelte')),
  callback: remember(() => import('./steps/CallbackStep.svelte')),
  token: remember(() => import('./steps/TokenStep.svelte')),
  tokens: remember(() => import('./steps/TokensStep.svelte')),
  'mcp-tools': remember(() => import('./steps/McpToolsStep.svelte')),
}

/** What a page loaded with an authorization response needs next: fetched at once, in parallel. */
export function warmCallbackPanels(): Promise<unknown> {
  // The MCP steps' panels load with the page when the run is an MCP one; the others are needed at once.
  const loads: Array<() => Promise<unknown>> = [
    ...Object.entries(stepPanels)
      .filter(([id]) => !id.startsWith('mcp-') && id !== 'registration')
      .map(([, load]) => load),
    panels.jwtView,
    panels.exchangeView,
    panels.stepGuide,
    panels.findingList,
  ]
  return Promise.allSettled(loads.map((load) => load()))
}
