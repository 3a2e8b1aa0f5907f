// `npm start`: the demo authorization server (real oidc-provider) + the playground's Vite dev server.
//   AS_PORT (default 9000), PLAYGROUND_PORT (default 5173)
import { fileURLToPath } from 'node:url'
import { startAuthorizationServer, CLIENTS, SECRETS } from './authorization-server.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const asPort = Number(process.env.AS_PORT ?? 9000)
const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 5173)
const origins = [`http://localhost:${playgroundPort}`, `http://127.0.0.1:${playgroundPort}`]

const as = await startAuthorizationServer({ port: asPort, playgroundOrigins: origins })

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
  await as.close()
  process.exit(1)
}

console.log(`
  PKCE Playground demo is running.

  Playground:            http://localhost:${playgroundPort}/   (also http://127.0.0.1:${playgroundPort}/)
  Authorization server:  ${as.url}   (oidc-provider; discovery: ${as.url}/.well-known/openid-configuration)
  Demo login:            any username / any password, then "Continue" on the consent page
  Clients:               ${CLIENTS.public} (public, PKCE)  ·  ${CLIENTS.noCors} (public, CORS refused)
                         ${CLIENTS.basic} / ${SECRETS.basic}  ·  ${CLIENTS.post} / ${SECRETS.post}
  Broken servers:        ${as.url}/faults/<id>   (list: ${as.url}/faults)

  Press Ctrl-C to stop both servers.
`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(0), 3000).unref()
  await Promise.allSettled([vite.close(), as.close()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
