import { describe, expect, it } from 'vitest'
import { SNAPSHOT_KEY, clearSnapshot, loadSnapshot, saveSnapshot, type KeyValueStore } from './persist'
import { defaultConfig } from '../protocol/config'
import type { FlowSnapshot } from '../model/types'

function mapStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  }
}

function snapshot(): FlowSnapshot {
  return {
    version: 1,
    runId: 'run-42',
    origin: 'https://playground.example',
    config: { ...defaultConfig('https://playground.example/'), issuer: 'https://as.example.com', client_id: 'c' },
    metadata: { issuer: 'https://as.example.com', token_endpoint: 'https://as.example.com/token' },
    pkce: { method: 'S256', code_verifier: 'v'.repeat(43), code_challenge: 'c'.repeat(43) },
    authorization: {
      url: 'https://as.example.com/authorize?state=s',
      state: 's',
      nonce: 'n',
      params: [['state', 's']],
    },
    code: 'the-code',
    codeUsed: false,
    exchanges: [],
    findings: [{ id: 'aborted', severity: 'info', step: 'configure', title: 't', detail: 'd', fix: 'f', spec: 's' }],
    status: { configure: 'ok', discovery: 'warning' },
  }
}

describe('persist', () => {
  it('saves and loads a snapshot with its secret', () => {
    const store = mapStore()
    const s = snapshot()
    saveSnapshot(store, s, 'pw')
    expect([...store.map.keys()]).toEqual([SNAPSHOT_KEY])
    const loaded = loadSnapshot(store)
    expect(loaded).toEqual({ snapshot: s, secret: 'pw' })
    expect(loaded?.snapshot).not.toBe(s)
  })

  it('defaults the secret to an empty string', () => {
    const store = mapStore()
    saveSnapshot(store, snapshot())
    expect(loadSnapshot(store)?.secret).toBe('')
    store.map.set(SNAPSHOT_KEY, JSON.stringify({ snapshot: snapshot(), secret: 42 }))
    expect(loadSnapshot(store)?.secret).toBe('')
  })

  it('returns undefined when nothing is stored', () => {
    expect(loadSnapshot(mapStore())).toBeUndefined()
  })

  it('returns undefined for garbage, wrong versions and missing arrays', () => {
    const store = mapStore()
    const put = (v: unknown) => store.map.set(SNAPSHOT_KEY, typeof v === 'string' ? v : JSON.stringify(v))
    const cases: unknown[] = [
      '{not json',
      'null',
      '42',
      '"a string"',
      [],
      {},
      { snapshot: null },
      { snapshot: { ...snapshot(), version: 2 } },
      { snapshot: { ...snapshot(), version: '1' } },
      { snapshot: { ...snapshot(), runId: 7 } },
      { snapshot: { ...snapshot(), exchanges: undefined } },
      { snapshot: { ...snapshot(), findings: {} } },
    ]
    for (const c of cases) {
      put(c)
      expect(loadSnapshot(store), JSON.stringify(c)).toBeUndefined()
    }
  })

  it('clear removes the stored snapshot', () => {
    const store = mapStore()
    store.map.set('other', 'keep')
    saveSnapshot(store, snapshot(), 'pw')
    clearSnapshot(store)
    expect(store.map.has(SNAPSHOT_KEY)).toBe(false)
    expect(store.map.get('other')).toBe('keep')
    expect(loadSnapshot(store)).toBeUndefined()
  })
})

describe('storableSnapshot (secrets removed after use)', () => {
  it('drops the code and the verifier once the code has been sent, keeps them before', async () => {
    const { storableSnapshot, REMOVED_AFTER_USE } = await import('./persist')
    const base = {
      version: 1 as const,
      runId: 'r',
      origin: 'https://p.example',
      config: {} as never,
      exchanges: [],
      findings: [],
      status: {},
      code: 'the-code',
      pkce: { method: 'S256' as const, code_verifier: 'v'.repeat(43), code_challenge: 'c' },
      callback: {
        params: [
          ['code', 'the-code'],
          ['state', 's'],
        ] as Array<[string, string]>,
        receivedAt: 1,
        outcome: 'code' as const,
      },
    }
    expect(JSON.stringify(storableSnapshot(base))).toContain('the-code')
    const used = JSON.stringify(storableSnapshot({ ...base, codeUsed: true }))
    expect(used).not.toContain('the-code')
    expect(used).not.toContain('v'.repeat(43))
    expect(used).toContain(REMOVED_AFTER_USE)
  })

  it('drops them from the recorded exchanges too: the token request body and a server that echoes them', async () => {
    const { storableSnapshot, REMOVED_AFTER_USE } = await import('./persist')
    const code = 'c0de/+x=='
    const verifier = 'V'.repeat(43)
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier }).toString()
    const snapshot = {
      version: 1 as const,
      runId: 'r',
      origin: 'https://p.example',
      config: {} as never,
      findings: [],
      status: {},
      code,
      codeUsed: true,
      pkce: { method: 'S256' as const, code_verifier: verifier, code_challenge: 'c' },
      exchanges: [
        {
          id: 'x1',
          step: 'token' as const,
          label: 'Token request',
          startedAt: 0,
          durationMs: 1,
          cors: 'readable' as const,
          request: {
            method: 'POST',
            url: `https://as.example/token?debug=${encodeURIComponent(code)}`,
            headers: [['content-type', 'application/x-www-form-urlencoded']] as Array<[string, string]>,
            browserAdded: [],
            body: form,
          },
          response: {
            status: 400,
            statusText: 'Bad Request',
            type: 'cors' as const,
            url: 'https://as.example/token',
            headers: [],
            body: JSON.stringify({
              error: 'invalid_grant',
              error_description: `code ${code} or verifier ${verifier} refused`,
            }),
            bodyTruncated: false,
          },
        },
      ],
    }
    const stored = JSON.stringify(storableSnapshot(snapshot as never))
    for (const secret of [
      code,
      encodeURIComponent(code),
      new URLSearchParams({ c: code }).toString().slice(2),
      verifier,
    ])
      expect(stored).not.toContain(secret)
    expect(stored).toContain('grant_type=authorization_code')
    expect(stored).toContain(REMOVED_AFTER_USE)
    // Before the code is sent, nothing is touched.
    expect(JSON.stringify(storableSnapshot({ ...snapshot, codeUsed: false } as never))).toContain(verifier)
  })
})
