import { getContext, setContext } from 'svelte'
import type { FlowSession } from './flow.svelte'

const KEY = Symbol('flow-session')

export function setSession(session: FlowSession): FlowSession {
  return setContext(KEY, session)
}

export function getSession(): FlowSession {
  const s = getContext<FlowSession | undefined>(KEY)
  if (!s) throw new Error('FlowSession context missing')
  return s
}
