// A/B of "callback → tokens verified" between two builds: `node tests/bench/ab.mjs <distA> <distB> [N]`
// (build each with `npx vite build --outDir <dir>`). Serves both and the bench's floor (built here) from a
// process of their own, starts the demo authorization server, and runs N rounds of one flow per build
// and one of the floor, in alternating order, each from a cold first view in a new browser context
// (the bench's own flow, lib.mjs callbackFlow). Prints the medians, the median of the per-round differences
// B − A, how often B was faster, and each build's median ratio to the floor. The README's A/B figures
// come from this script; on a shared 2-core machine only differences well above ±8 ms mean anything.
import path from 'node:path'
import { rm } from 'node:fs/promises'
import { ROOT, callbackFlow, median, run, startStaticServersApart } from './lib.mjs'

const [distA, distB, rounds = '20'] = process.argv.slice(2)
if (!distA || !distB) {
  console.error('usage: node tests/bench/ab.mjs <distA> <distB> [rounds]')
  process.exit(2)
}
const N = Number(rounds)
const FLOOR = path.join(ROOT, 'dist-ab-floor')
await run(process.execPath, [
  path.join(ROOT, 'node_modules/vite/bin/vite.js'),
  'build',
  '--config',
  'tests/bench/floor/vite.config.mjs',
  '--outDir',
  FLOOR,
  '--emptyOutDir',
])
const statics = await startStaticServersApart([
  { root: path.resolve(distA), cache: true },
  { root: path.resolve(distB), cache: true },
  { root: FLOOR, cache: true },
])
const [aUrl, bUrl, floorUrl] = /** @type {[string, string, string]} */ (statics.urls)
const { startAuthorizationServer } = await import('../servers/authorization-server.mjs')
const { warn, log } = console
console.warn = console.log = (...a) => (String(a[0]).includes('oidc-provider') ? undefined : warn(...a))
const as = await startAuthorizationServer({ port: 0, playgroundOrigins: statics.urls.map((u) => u.slice(0, -1)) })
Object.assign(console, { warn, log })

const { chromium } = await import('@playwright/test')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })
const flow = (url, floor = false) => callbackFlow(browser, url, as.url, { floor })
const a = []
const b = []
const f = []
try {
  // one warm-up flow each
  await flow(aUrl)
  await flow(bUrl)
  await flow(floorUrl, true)
  for (let i = 0; i < N; i++) {
    for (const which of i % 2 ? ['a', 'b', 'f'] : ['b', 'f', 'a']) {
      if (which === 'a') a.push(await flow(aUrl))
      else if (which === 'b') b.push(await flow(bUrl))
      else f.push(await flow(floorUrl, true))
    }
  }
} finally {
  await browser.close()
  await as.close()
  await statics.close()
  await rm(FLOOR, { recursive: true, force: true })
}
const diffs = a.map((x, i) => (b[i] ?? 0) - x)
const ms = (x) => `${x.toFixed(1)} ms`
console.log(`callback → verified, ${N} rounds: A ${ms(median(a))}, B ${ms(median(b))}, floor ${ms(median(f))}`)
console.log(
  `B − A per round: median ${ms(median(diffs))}; B faster in ${diffs.filter((d) => d < 0).length} of ${N}; ` +
    `÷ floor per round: A ${median(a.map((x, i) => x / (f[i] ?? 1))).toFixed(2)}×, B ${median(b.map((x, i) => x / (f[i] ?? 1))).toFixed(2)}×`,
)
