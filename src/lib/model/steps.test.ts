import { describe, expect, it } from 'vitest'
import { STEPS, STEP_IDS, stepIndex, stepInfo, stepsFor } from './steps'
import type { StepId } from './types'
import { STEP_GUIDE } from '../teaching/step-guide'

describe('steps', () => {
  it('are in flow order', () => {
    expect(STEP_IDS).toEqual([
      'configure',
      'mcp-probe',
      'mcp-discovery',
      'discovery',
      'registration',
      'pkce',
      'authorization',
      'callback',
      'token',
      'tokens',
      'mcp-tools',
    ])
    expect(STEPS.map((s) => s.id)).toEqual(STEP_IDS)
    expect(stepsFor(false).map((s) => s.id)).toEqual([
      'configure',
      'discovery',
      'pkce',
      'authorization',
      'callback',
      'token',
      'tokens',
    ])
    expect(stepsFor(true)).toHaveLength(11)
  })

  it('each has a title, summary, and a guide with an explanation and at least one https spec link', () => {
    for (const s of STEPS) {
      expect(s.title.trim(), s.id).not.toBe('')
      expect(s.summary.trim(), s.id).not.toBe('')
      const guide = STEP_GUIDE[s.id]
      expect(guide.explanation.length, s.id).toBeGreaterThan(40)
      expect(guide.spec.length, s.id).toBeGreaterThanOrEqual(1)
      for (const link of guide.spec) {
        expect(link.label.trim(), s.id).not.toBe('')
        expect(new URL(link.href).protocol, `${s.id}: ${link.href}`).toBe('https:')
      }
    }
  })

  it('has unique ids', () => {
    expect(new Set(STEP_IDS).size).toBe(STEPS.length)
  })

  it('stepIndex and stepInfo look steps up by id', () => {
    expect(stepIndex('configure')).toBe(0)
    expect(stepIndex('token')).toBe(8)
    expect(stepIndex('tokens')).toBe(9)
    expect(stepInfo('pkce').title).toBe('PKCE')
    expect(STEP_GUIDE.callback.spec.some((l) => l.href.includes('rfc9207'))).toBe(true)
    expect(stepIndex('nope' as StepId)).toBe(-1)
    expect(() => stepInfo('nope' as StepId)).toThrow(/unknown step/)
  })
})
