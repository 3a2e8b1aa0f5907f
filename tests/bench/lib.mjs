// Shared by the bench (bench.mjs) and the page figures (figures.mjs).
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Runs a command in the repository; resolves with its output, rejects with it on a non-zero exit. */
export function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}`)),
    )
  })
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address())
      s.close(() => resolve(port))
    })
  })
}

/** Signs in and consents on the demo authorization server's pages, then waits to be back. */
export async function loginAndConsent(page, asOrigin) {
  const timeout = 15_000
  const onAs = () => new URL(page.url()).origin === asOrigin
  const login = page.locator('input[name="login"]')
  const consent = page.locator('form:has(input[name="prompt"][value="consent"]) button[type="submit"]')
  await login.or(consent).first().waitFor({ timeout })
  if (await login.isVisible()) {
    await login.fill('alice')
    await page.locator('input[name="password"]').fill('any-password')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await consent.waitFor({ timeout })
  }
  if (onAs() && (await consent.isVisible())) await consent.click()
  await page.waitForURL((u) => u.origin !== asOrigin, { timeout, waitUntil: 'commit' })
}
