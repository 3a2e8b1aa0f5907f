import { mount } from 'svelte'
import App from './App.svelte'
import { FlowSession } from './state/flow.svelte'
import './app.css'

const env = import.meta.env
const session = new FlowSession({
  href: () => location.href,
  origin: location.origin,
  storage: sessionStorage,
  fetch: (input, init) => fetch(input, init),
  navigate: (url) => location.assign(url),
  replaceUrl: (url) => history.replaceState(history.state, '', url),
  defaults: {
    ...(env.VITE_DEMO_ISSUER ? { issuer: env.VITE_DEMO_ISSUER } : {}),
    ...(env.VITE_DEMO_CLIENT_ID ? { client_id: env.VITE_DEMO_CLIENT_ID } : {}),
    ...(env.VITE_DEMO_SCOPE ? { scope: env.VITE_DEMO_SCOPE } : {}),
    ...(env.VITE_DEMO_RESOURCE ? { resource: env.VITE_DEMO_RESOURCE } : {}),
  },
})

const target = document.getElementById('app')
if (target) mount(App, { target, props: { session } })
