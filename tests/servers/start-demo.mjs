// `npm start`: the demo authorization server (real oidc-provider), a demo MCP server protected by it
// (official MCP SDK, tests/servers/mcp-server.mjs) and the playground's Vite dev server.
//   AS_PORT (default 9000), MCP_PORT (default 9100), PLAYGROUND_PORT (default 5173)
import { fileURLToPath } from 'node:url'
import { startAuthorizationServer, CLIENTS, SECRETS } from './authorization-server.mjs'
import { startMcpServer, VARIANTS } from './mcp-server.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const asPort = Number(process.env.AS_PORT ?? 9000)
const mcpPort = Number(process.env.MCP_PORT ?? 9100)
const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 5173)
const origins = [`http://localhost:${playgroundPort}`, `http://127.0.0.1:${playgroundPort}`]

const as = await startAuthorizationServer({ port: asPort, playgroundOrigins: origins })
let mcp
try {
  mcp = await startMcpServer({ port: mcpPort, issuer: as.url, playgroundOrigins: origins })
} catch (err) {
  console.error(`Could not start the demo MCP server on port ${mcpPort}:`, err instanceof Error ? err.message : err)
  await as.close()
  process.exit(1)
}

// The playground reads these as its defaults (import.meta.env.VITE_DEMO_*): set before Vite starts.
process.env.PLAYGROUND_PORT = String(playgroundPort)
process.env.VITE_DEMO_ISSUER = as.url
process.env.VITE_DEMO_CLIENT_ID = CLIENTS.public
process.env.VITE_DEMO_SCOPE = 'openid profile email offline_access'
process.env.VITE_DEMO_RESOURCE = `${as.url}/api`

const { createServer } = await import('vite')
let vite
try {
  vite = await createServer({
    root,
    configFile: `${root}vite.config.ts`,
    server: { port: playgroundPort, strictPort: true },
  })
  await vite.listen()
} catch (err) {
  console.error(`Could not start the playground on port ${playgroundPort}:`, err instanceof Error ? err.message : err)
  await Promise.allSettled([as.close(), mcp.close()])
  process.exit(1)
}

console.log(`
  PKCE Playground demo is running.

  Playground:            http://localhost:${playgroundPort}/   (also http://127.0.0.1:${playgroundPort}/)
  Authorization server:  ${as.url}   (oidc-provider; discovery: ${as.url}/.well-known/openid-configuration)
  Demo login:            any username / any password, then "Continue" on the consent page
  Clients:               ${CLIENTS.public} (public, PKCE)  ·  ${CLIENTS.noCors} (public, CORS refused)
                         ${CLIENTS.basic} / ${SECRETS.basic}  ·  ${CLIENTS.post} / ${SECRETS.post}
                         ${CLIENTS.par} (public, PAR required)  ·  ${CLIENTS.dpop} (public, DPoP-bound, nonce required)
  Broken servers:        ${as.url}/faults/<id>   (list: ${as.url}/faults)

  MCP server:            ${mcp.url}   (official MCP SDK, protected by the authorization server above)
  Try the MCP way in:    http://localhost:${playgroundPort}/#mcp=${mcp.url}
                         (press Discover: 401 challenge → resource metadata → registration → login → tools)
  Broken MCP servers:    ${mcp.base}/v/<variant>/mcp   (${Object.keys(VARIANTS).join(', ')})

  Press Ctrl-C to stop all three servers.
`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(0), 3000).unref()
  await Promise.allSettled([vite.close(), as.close(), mcp.close()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
