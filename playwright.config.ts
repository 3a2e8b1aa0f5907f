import { defineConfig } from '@playwright/test'

// End-to-end tests: the production build (`vite build`, run by `npm run test:e2e`) served by `vite preview`
// on :4173, against the demo authorization server (real oidc-provider + fault issuers) on :9400 and the
// test MCP server (official MCP SDK, protected by that AS) on :9401.
// The browser is a locally installed Chromium (Debian's by default; see tests/find-chromium.mjs).
const CI = !!process.env.CI
// Ports are overridable so that two suites can run side by side on one machine.
const AS_PORT = Number(process.env.E2E_AS_PORT ?? 9400)
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 4173)
// The test MCP server (tests/servers/mcp-server.mjs), protected by the AS above.
const MCP_PORT = Number(process.env.E2E_MCP_PORT ?? 9401)
// The build to serve (default dist/); helpers running in parallel build into their own folder.
const DIST = process.env.E2E_DIST ?? 'dist'
const ORIGINS = `http://localhost:${APP_PORT},http://127.0.0.1:${APP_PORT}`

export default defineConfig({
  testDir: 'tests/e2e',
  // One output folder per port pair, so suites running side by side do not clobber each other.
  outputDir: `test-results/${APP_PORT}`,
  workers: 2,
  retries: CI ? 1 : 0,
  // Several steps run one after another (discovery, login, exchange, JWKS, MCP); 2 cores in CI.
  expect: { timeout: 10_000 },
  forbidOnly: CI,
  reporter: 'list',
  use: {
    baseURL: `http://localhost:${APP_PORT}/`,
    // Recording a trace for every test costs about a quarter of the suite's time on 2 cores; CI retries a
    // failed test once, with a trace (run with --trace on to record one locally).
    trace: 'on-first-retry',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    },
  },
  webServer: [
    {
      command: `node tests/servers/authorization-server.mjs --port ${AS_PORT} --origins ${ORIGINS}`,
      url: `http://localhost:${AS_PORT}/.well-known/openid-configuration`,
      reuseExistingServer: !CI,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `node tests/servers/mcp-server.mjs --port ${MCP_PORT} --issuer http://localhost:${AS_PORT} --origins ${ORIGINS}`,
      url: `http://localhost:${MCP_PORT}/.well-known/oauth-protected-resource/mcp`,
      reuseExistingServer: !CI,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `npx vite preview --port ${APP_PORT} --strictPort --outDir ${DIST}`,
      url: `http://localhost:${APP_PORT}/`,
      reuseExistingServer: !CI,
    },
  ],
})
