// A minimal static file server for a built `dist/`, with the response headers the README recommends
// for static hosts: file names under assets/ carry a content hash, so they are cached for a year
// (`immutable`); index.html is revalidated on every load so that a new deploy is picked up at once.
// `cache: false` serves everything with `Cache-Control: no-cache` instead (what `vite preview` does).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { closeServers, isMain, listen } from './lib.mjs'

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}

/**
 * @param {{ root: string, port?: number, host?: string, cache?: boolean }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startStaticServer({ root, port = 0, host = 'localhost', cache = true }) {
  const base = path.resolve(root)
  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url ?? '/', 'http://x')
      const rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
      const file = path.resolve(base, `.${rel}`)
      if (!file.startsWith(base + path.sep)) {
        res.writeHead(403).end()
        return
      }
      const body = await readFile(file)
      const hashed = rel.startsWith('/assets/')
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': cache && hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        // The headers a <meta> tag cannot carry (README "Security headers").
        'Content-Security-Policy': "frame-ancestors 'none'",
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      })
      res.end(req.method === 'HEAD' ? undefined : body)
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found')
    }
  })
  const actualPort = await listen(server, port, host)
  return {
    url: `http://${host}:${actualPort}/`,
    close: () => closeServers([server]),
  }
}

// As its own process (the bench): `node tests/servers/static-server.mjs '[{"root":"dist","cache":true}, …]'`
// starts one server per entry on a free loopback port and prints their URLs as one JSON line.
if (isMain(import.meta.url)) {
  const specs = JSON.parse(process.argv[2] ?? '[]')
  const urls = []
  for (const spec of specs) urls.push((await startStaticServer(spec)).url)
  process.stdout.write(`${JSON.stringify(urls)}\n`)
}
