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
}

/**
 * The step panels that load on demand, by step id (the others are part of the first view, see
 * App.svelte). The order in which they show is the step order (model/steps.ts), not this table's.
 */
export const stepPanels: Partial<Record<StepId, () => Promise<{ default: Component }>>> = {
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
  for (const load of [stepPanels.callback, stepPanels.token, stepPanels.tokens, panels.jwtView]) {
    void load?.().catch(() => undefined)
  }
}
