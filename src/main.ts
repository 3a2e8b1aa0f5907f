import { mount } from 'svelte'
import App from './App.svelte'
import { FlowSession } from './state/flow.svelte'
import { ViewState } from './state/view.svelte'
import { EngineLoadError } from './state/engine'
import { isCallbackUrl } from './lib/platform/callback-url'
import { warmCallbackPanels } from './ui/lazy'
import './app.css'

const env = import.meta.env
// Read before the session takes the fragment over: a share link may name the mode (#…&mode=debug).
const view = new ViewState({ hash: location.hash, storage: sessionStorage })
const session = new FlowSession({
  href: () => location.href,
  origin: location.origin,
  storage: sessionStorage,
  fetch: (input, init) => fetch(input, init),
  navigate: (url) => location.assign(url),
  replaceUrl: (url) => history.replaceState(history.state, '', url),
  appVersion: __APP_VERSION__,
  navigationType: () =>
    (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type ?? 'navigate',
  ...(env.VITE_CIMD_URL ? { cimdUrl: env.VITE_CIMD_URL } : {}),
  defaults: {
    ...(env.VITE_DEMO_ISSUER ? { issuer: env.VITE_DEMO_ISSUER } : {}),
    ...(env.VITE_DEMO_CLIENT_ID ? { client_id: env.VITE_DEMO_CLIENT_ID } : {}),
    ...(env.VITE_DEMO_SCOPE ? { scope: env.VITE_DEMO_SCOPE } : {}),
    ...(env.VITE_DEMO_RESOURCE ? { resource: env.VITE_DEMO_RESOURCE } : {}),
  },
})

// Every action loads the protocol code on first use; if that fails, whichever button started it,
// the page says so in one alert instead of leaving an uncaught error (the next action tries again).
window.addEventListener('unhandledrejection', (event) => {
  if (!(event.reason instanceof EngineLoadError)) return
  event.preventDefault()
  session.engineLoadFailed()
})

// Back from the authorization server: load what the callback and the token exchange need at once,
// validate the response and send the code before anything else runs. The panels load while the token
// request is in flight, and the page mounts once, when the run has resumed and they are there, so it
// renders the outcome in one pass (a panel that has loaded renders without a placeholder, ui/loaded.ts).
// Mounting as soon as the panels were there rendered the page, then the token step's outcome, then the
// Tokens step's, each a full pass on the main thread: measured A/B, 24 interleaved flows each, mounting
// once cut the median callback → verified by 19 ms (faster in 18 of 24).
const target = document.getElementById('app')
const start = () => {
  if (target) mount(App, { target, props: { session, view, returning } })
}
const returning = isCallbackUrl(location.href)
if (returning) {
  const panelsReady = session.codeSent.then(() => warmCallbackPanels())
  // Never a blank page: mount anyway after a quarter second (a slow server, engine or panel load); the
  // run then goes on in front of the reader.
  const atLatest = new Promise((resolve) => setTimeout(resolve, 250))
  void Promise.race([Promise.all([session.resume(), panelsReady]), atLatest]).then(start)
} else {
  start()
}
