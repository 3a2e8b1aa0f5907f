import { describe, expect, it } from 'vitest'
import type { Component } from 'svelte'
import { loadedAlready, remember } from './loaded'

const component = (() => undefined) as unknown as Component<Record<string, never>>

describe('remember / loadedAlready', () => {
  it('knows a component only once its loader has resolved, per loader', async () => {
    const load = remember(() => Promise.resolve({ default: component }))
    const other = remember(() => Promise.resolve({ default: component }))
    expect(loadedAlready(load)).toBeUndefined()
    const pending = load()
    expect(loadedAlready(load)).toBeUndefined()
    await pending
    expect(loadedAlready(load)).toBe(component)
    expect(loadedAlready(other)).toBeUndefined()
  })

  it('remembers nothing when the load fails (the next <Lazy> tries again)', async () => {
    const load = remember(() => Promise.reject(new Error('offline')))
    await expect(load()).rejects.toThrow('offline')
    expect(loadedAlready(load)).toBeUndefined()
  })
})
