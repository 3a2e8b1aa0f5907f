import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { test, expect, CLIENT_IDS, AS_BASE, type Flow } from './fixtures'

/** Runs the flow to the callback and returns the secrets the report must not contain. */
async function fullFlow(flow: Flow, page: Page, issuer: string, clientId: string = CLIENT_IDS.public) {
  let code = ''
  page.on('framenavigated', (f) => {
    const m = /[?&]code=([^&]+)/.exec(f.url())
    if (f === page.mainFrame() && m?.[1]) code = decodeURIComponent(m[1])
  })
  await flow.open({ issuer, client_id: clientId, scope: 'openid profile offline_access', resource: `${AS_BASE}/api` })
  await flow.runTo('discovery', { discovery: null })
  const verifier = await page.getByRole('textbox', { name: 'code_verifier', exact: true }).inputValue()
  const state = new URL(await page.getByTestId('authorization-url').innerText()).searchParams.get('state') ?? ''
  await flow.runTo('callback')
  return { code, verifier, state }
}

function secretsOf(tokenResponse: Record<string, unknown>): string[] {
  const out: string[] = []
  for (const k of ['access_token', 'id_token', 'refresh_token']) {
    const v = tokenResponse[k]
    if (typeof v !== 'string') continue
    if (k === 'refresh_token') out.push(v)
    const parts = v.split('.')
    if (parts.length === 3 && parts[2]) out.push(parts[2])
    else if (k !== 'refresh_token') out.push(v)
  }
  return out
}

test('report: downloaded JSON and copied Markdown carry steps, findings and verdict, and no secrets', async ({
  page,
  context,
  as,
  flow,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const { code, verifier, state } = await fullFlow(flow, page, as.issuer)
  expect(code).not.toBe('')
  await flow.runTo('token')
  await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
  const tokenBody = await page.evaluate(
    () =>
      (
        JSON.parse(sessionStorage.getItem('pkce-playground:flow') ?? '{}') as {
          snapshot: { token: { body: Record<string, unknown> } }
        }
      ).snapshot.token.body,
  )
  expect(typeof tokenBody.refresh_token).toBe('string')
  const forbidden = [code, verifier, state, ...secretsOf(tokenBody)]

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report' }).click(),
  ])
  expect(download.suggestedFilename()).toBe('pkce-playground-report.json')
  const json = await readFile(await download.path(), 'utf8')
  const report = JSON.parse(json) as {
    tool: string
    version: string
    steps: Array<{ id: string; status: string; exchanges: unknown[] }>
    findings: Array<{ id: string }>
    verdict: { scenario: string; summary: string }
    config: Record<string, unknown>
  }
  expect(report.tool).toBe('pkce-playground')
  expect(report.version).toMatch(/^\d+\.\d+\.\d+/)
  const ids = report.steps.map((s) => s.id)
  for (const id of ['discovery', 'pkce', 'authorization', 'callback', 'token', 'tokens']) expect(ids).toContain(id)
  expect(report.steps.find((s) => s.id === 'token')?.exchanges.length).toBeGreaterThan(0)
  expect(report.verdict.scenario).toBe('C')
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'C')
  for (const secret of forbidden) expect(json, 'report leaks a secret').not.toContain(secret)
  // Claims stay: support needs them.
  expect(json).toContain('"iss"')
  expect(json).toContain(as.issuer)

  await page.getByRole('button', { name: 'Copy report as Markdown' }).click()
  await expect(page.getByText('Report copied as Markdown.')).toBeVisible()
  const markdown = await page.evaluate(() => navigator.clipboard.readText())
  expect(markdown).toContain('pkce-playground')
  expect(markdown).toMatch(/scenario C|Scenario C|\bC\b/)
  for (const secret of forbidden) expect(markdown, 'markdown leaks a secret').not.toContain(secret)
})

test('report: a rejected exchange gives scenario A with the OAuth error named', async ({ page, as, flow }) => {
  await fullFlow(flow, page, as.issuer)
  await page.getByRole('textbox', { name: 'code_verifier to send' }).fill('y'.repeat(60))
  await flow.runTo('token', { token: 'HTTP 400' })
  const verdict = page.getByTestId('verdict')
  await expect(verdict).toHaveAttribute('data-scenario', 'A')
  await expect(verdict).toContainText('token-request-rejected')
})

test('paste-back: a response run by hand with curl is linted and decoded like a readable one', async ({
  page,
  as,
  flow,
}) => {
  await fullFlow(flow, page, as.issuer, CLIENT_IDS.noCors)
  await flow.runTo('token', { token: null })
  await expect(page.locator('#step-token [data-finding-id="cors-blocked"]')).toBeVisible()
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'A')
  const pasted = [
    'HTTP/1.1 200 OK',
    'Content-Type: application/json; charset=utf-8',
    'Cache-Control: no-store',
    '',
    JSON.stringify({ access_token: 'an-opaque-access-token-value', token_type: 'bearer', expires_in: '3600' }),
  ].join('\r\n')
  // The paste-back box opens by itself when the browser could not read the response.
  await page.getByRole('textbox', { name: 'Pasted response' }).fill(pasted)
  await page.getByRole('button', { name: 'Analyse pasted response' }).click()
  const token = page.locator('#step-token')
  await expect(token.locator('[data-finding-id="token-type-not-bearer"]')).toHaveAttribute('data-severity', 'warning')
  await expect(token.locator('[data-finding-id="expires-in-not-number"]')).toHaveAttribute('data-severity', 'warning')
  await expect(page.locator('#step-tokens [data-finding-id="access-token-opaque"]')).toHaveAttribute(
    'data-severity',
    'info',
  )
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'B')
})
