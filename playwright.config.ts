import { defineConfig } from '@playwright/test'

// End-to-end tests: the production build (`vite build`, run by `npm run test:e2e`) served by `vite preview`
// on :4173, against the demo authorization server (real oidc-provider + fault issuers) on :9400.
// The browser is a locally installed Chromium (Debian's by default; see tests/find-chromium.mjs).
const CI = !!process.env.CI

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 2,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  reporter: 'list',
  use: {
    baseURL: 'http://localhost:4173/',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    },
  },
  webServer: [
    {
      command: 'node tests/servers/authorization-server.mjs --port 9400 --origins http://localhost:4173,http://127.0.0.1:4173',
      url: 'http://localhost:9400/.well-known/openid-configuration',
      reuseExistingServer: !CI,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: 'npx vite preview --port 4173 --strictPort',
      url: 'http://localhost:4173/',
      reuseExistingServer: !CI,
    },
  ],
})
