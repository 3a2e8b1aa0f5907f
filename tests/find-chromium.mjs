// Exits 0 silently when a Chromium binary is available for Playwright (CHROMIUM_PATH, else /usr/bin/chromium);
// otherwise explains how to get one and exits 1. Run by `npm run test:e2e` before anything else.
import { accessSync, constants, statSync } from 'node:fs'

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** @param {string} p */
function usable(p) {
  try {
    accessSync(p, constants.X_OK)
    return statSync(p).isFile()
  } catch {
    return false
  }
}

if (!usable(path)) {
  const via = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${path}` : 'the default path'
  console.error(`Chromium not found or not executable at ${path} (${via}).

The end-to-end tests run in a locally installed Chromium (Playwright cannot download browsers here).
Either install Debian's Chromium:

    sudo apt-get update && sudo apt-get install -y chromium

or set CHROMIUM_PATH to another Chromium or Google Chrome binary, e.g.

    CHROMIUM_PATH=/usr/bin/google-chrome npm test
`)
  process.exit(1)
}
