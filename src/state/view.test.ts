import { describe, expect, it } from 'vitest'
import { ViewState, type FlowPosition } from './view.svelte'
import type { StepId, StepStatus } from '../lib/model/types'

const STEPS: StepId[] = ['configure', 'discovery', 'pkce', 'authorization', 'callback', 'token', 'tokens']
function flow(current: StepId, status: Partial<Record<StepId, StepStatus>>): FlowPosition {
  return { current, status: (id) => status[id] ?? 'pending', activeSteps: () => STEPS }
}
function memory(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial))
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m }
}

describe('ViewState', () => {
  it('starts in Learn; a stored mode survives the redirect; a link mode wins and is stored', () => {
    expect(new ViewState().mode).toBe('learn')
    const stored = memory({ 'pkce-playground:view-mode': 'debug' })
    expect(new ViewState({ hash: '#issuer=x', storage: stored }).mode).toBe('debug')
    const s = memory()
    expect(new ViewState({ hash: '#issuer=x&mode=debug', storage: s }).mode).toBe('debug')
    expect(s.m.get('pkce-playground:view-mode')).toBe('debug')
    expect(new ViewState({ hash: '#mode=<script>', storage: memory() }).mode).toBe('learn')
  })

  it('Learn opens the current step, the next one to act on and a failed one; the rest collapse', () => {
    const v = new ViewState()
    // First view: Configure, and Discover with its button.
    expect(STEPS.filter((id) => v.isOpen(id, flow('configure', {})))).toEqual(['configure', 'discovery'])
    const f = flow('callback', { configure: 'ok', discovery: 'ok', pkce: 'ok', authorization: 'ok', callback: 'ok' })
    expect(STEPS.filter((id) => v.isOpen(id, f))).toEqual(['callback', 'token'])
    const failed = flow('token', { configure: 'ok', discovery: 'warning', token: 'error' })
    expect(v.isOpen('token', failed)).toBe(true)
    expect(v.isOpen('discovery', failed)).toBe(false)
  })

  it('a click opens or closes any step; Debug and Expand all open everything', () => {
    const v = new ViewState()
    const f = flow('tokens', { configure: 'ok', token: 'ok', tokens: 'ok' })
    expect(v.isOpen('configure', f)).toBe(false)
    v.toggle('configure', f)
    expect(v.isOpen('configure', f)).toBe(true)
    v.toggle('tokens', f)
    expect(v.isOpen('tokens', f)).toBe(false)
    v.setMode('debug')
    expect(STEPS.every((id) => v.isOpen(id, f))).toBe(true)
    v.setMode('learn')
    v.expandAll = true
    expect(STEPS.every((id) => v.isOpen(id, f))).toBe(true)
  })

  it('names one primary action: Discover, then Start authorization, then Exchange code, then none', () => {
    const v = new ViewState()
    expect(v.primary(flow('configure', {}))).toBe('discover')
    expect(v.primary(flow('discovery', { configure: 'ok', discovery: 'error' }))).toBe('discover')
    const built = { configure: 'ok', discovery: 'ok', pkce: 'ok', authorization: 'ok' } as const
    expect(v.primary(flow('authorization', built))).toBe('authorize')
    expect(v.primary(flow('callback', { ...built, callback: 'ok' }))).toBe('exchange')
    expect(v.primary(flow('callback', { ...built, callback: 'error' }))).toBe('exchange')
    expect(v.primary(flow('tokens', { ...built, callback: 'ok', token: 'ok', tokens: 'ok' }))).toBeUndefined()
    expect(v.primary(flow('token', { ...built, callback: 'ok', token: 'error' }))).toBeUndefined()
  })

  it('adds its mode to a share link', () => {
    const v = new ViewState({ hash: '#mode=debug' })
    expect(v.withMode('https://p.example/#issuer=x')).toBe('https://p.example/#issuer=x&mode=debug')
  })
})
