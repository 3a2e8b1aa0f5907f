/**
 * The panels loaded on demand, in one table: App renders them through <Lazy>, and main.ts starts
 * the ones a callback needs while the page is still mounting (a redirect back with a code should
 * not wait for the first paint to fetch the token panels).
 */
export const panels = {
  sequenceDiagram: () => import('./SequenceDiagram.svelte'),
  mcpProbe: () => import('./steps/McpProbeStep.svelte'),
  mcpDiscovery: () => import('./steps/McpDiscoveryStep.svelte'),
  corsCheck: () => import('./steps/CorsCheckStep.svelte'),
  registration: () => import('./steps/RegistrationStep.svelte'),
  callback: () => import('./steps/CallbackStep.svelte'),
  token: () => import('./steps/TokenStep.svelte'),
  tokens: () => import('./steps/TokensStep.svelte'),
  mcpTools: () => import('./steps/McpToolsStep.svelte'),
  afterToken: () => import('./steps/AfterTokenPanel.svelte'),
  probes: () => import('./steps/ProbesPanel.svelte'),
  summary: () => import('./SummaryPanel.svelte'),
  glossary: () => import('./Glossary.svelte'),
  /** The token viewer (needs jose), inside the Tokens step. */
  jwtView: () => import('./common/JwtView.svelte'),
}

/** What a page loaded with an authorization response needs next: fetched at once, in parallel. */
export function warmCallbackPanels(): void {
  for (const load of [panels.callback, panels.token, panels.tokens, panels.jwtView]) void load().catch(() => undefined)
}
