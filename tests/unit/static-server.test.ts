import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { request } from 'node:http'
import { startStaticServer } from '../servers/static-server.mjs'

type Server = { url: string; close: () => Promise<void> }

/** A request with its path sent exactly as written (fetch would normalise it). */
function raw(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: rawPath }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('static server used by the benchmark (the headers the README recommends)', () => {
  let dir: string
  let cached: Server
  let plain: Server

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'static-'))
    await mkdir(path.join(dir, 'assets'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>x</title>')
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'export {}')
    await writeFile(path.join(dir, '..', `outside-${path.basename(dir)}.txt`), 'secret')
    cached = await startStaticServer({ root: dir, cache: true })
    plain = await startStaticServer({ root: dir, cache: false })
  })
  afterAll(async () => {
    await Promise.all([cached.close(), plain.close()])
    await rm(dir, { recursive: true, force: true })
    await rm(path.join(dir, '..', `outside-${path.basename(dir)}.txt`), { force: true })
  })

  it('serves hashed assets as immutable and index.html (also for a callback URL) as no-cache', async () => {
    const asset = await fetch(`${cached.url}assets/index-abc123.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(await asset.text()).toBe('export {}')
    const page = await fetch(`${cached.url}?code=abc&state=xyz`)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
  })

  it('revalidates everything when caching is off (as vite preview does)', async () => {
    const asset = await fetch(`${plain.url}assets/index-abc123.js`)
    expect(asset.headers.get('cache-control')).toBe('no-cache')
  })

  it('never serves a file outside its root, and answers 404 for a missing one', async () => {
    const name = `outside-${path.basename(dir)}.txt`
    // An encoded slash survives URL parsing and becomes ../ only when decoded: the server must refuse it.
    const traversal = await raw(cached.url, `/..%2f${name}`)
    expect(traversal.status).toBe(403)
    expect(traversal.body).not.toContain('secret')
    expect((await fetch(`${cached.url}assets/missing.js`)).status).toBe(404)
  })
})
