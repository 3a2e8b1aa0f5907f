/// <reference types="svelte" />
/// <reference types="vite/client" />

/** The package version, injected at build time (vite.config.ts). */
declare const __APP_VERSION__: string

interface ImportMetaEnv {
  readonly VITE_DEMO_ISSUER?: string
  readonly VITE_DEMO_CLIENT_ID?: string
  readonly VITE_DEMO_SCOPE?: string
  readonly VITE_DEMO_RESOURCE?: string
  readonly VITE_DEMO_MCP?: string
  /** The https URL of the playground's Client ID Metadata Document (public/client-metadata.json). */
  readonly VITE_CIMD_URL?: string
}
