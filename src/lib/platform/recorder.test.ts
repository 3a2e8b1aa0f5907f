import { describe, expect, it } from 'vitest'
import {
  MAX_RECORDED_BODY,
  Recorder,
  browserAddedHeaders,
  nextExchangeId,
  readBody,
  type RecorderOptions,
} from './recorder'
import type { CorsVerdict } from '../model/types'

const PAGE = 'https://playground.example'

function setup(respond: (url: string, init?: RequestInit) => Promise<Response>, extra: Partial<RecorderOptions> = {}) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const rec = new Recorder({
    step: 'token',
    pageOrigin: PAGE,
    fetch: async (url, init) => {
      calls.push({ url, init })
      return respond(url, init)
    },
    ...extra,
  })
  return { rec, calls }
}

describe('Recorder', () => {
  it('records method, url, headers and a URLSearchParams body as text', async () => {
    const { rec, calls } = setup(async () => new Response('{}', { status: 200 }))
    rec.label = 'Token request'
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'a b&c' })
    await rec.fetch('https://as.example.com/token', {
      method: 'post',
      headers: new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }),
      body,
    })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.init?.body).toBe(body)
    const ex = rec.exchanges[0]
    expect(ex?.step).toBe('token')
    expect(ex?.label).toBe('Token request')
    expect(ex?.request.method).toBe('POST')
    expect(ex?.request.url).toBe('https://as.example.com/token')
    expect(ex?.request.headers).toEqual([
      ['accept', 'application/json'],
      ['content-type', 'application/x-www-form-urlencoded'],
    ])
    expect(ex?.request.body).toBe('grant_type=authorization_code&code=a+b%26c')
    expect(ex?.request.browserAdded).toContainEqual(['origin', PAGE])
  })

  it('records string bodies as is, binary bodies as a placeholder and no body as undefined', async () => {
    const { rec } = setup(async () => new Response(''))
    await rec.fetch('https://as.example.com/a', { method: 'POST', body: '{"x":1}' })
    await rec.fetch('https://as.example.com/b', { method: 'POST', body: new Uint8Array([1, 2]) })
    await rec.fetch('https://as.example.com/c')
    expect(rec.exchanges.map((e) => e.request.body)).toEqual(['{"x":1}', '[binary body]', undefined])
    expect(rec.exchanges[2]?.request.method).toBe('GET')
    expect(rec.exchanges[2]?.request.headers).toEqual([])
  })

  it('records status, headers and body of the response, and leaves the body readable for the caller', async () => {
    const { rec } = setup(
      async () =>
        new Response('{"access_token":"at"}', {
          status: 201,
          statusText: 'Created',
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        }),
    )
    const response = await rec.fetch('https://as.example.com/token', { method: 'POST' })
    const ex = rec.exchanges[0]
    expect(ex?.response).toMatchObject({
      status: 201,
      statusText: 'Created',
      body: '{"access_token":"at"}',
      bodyTruncated: false,
    })
    expect(ex?.response?.headers).toEqual([
      ['cache-control', 'no-store'],
      ['content-type', 'application/json'],
    ])
    expect(ex?.cors).toBe('readable')
    expect(ex?.error).toBeUndefined()
    expect(response.bodyUsed).toBe(false)
    expect(await response.json()).toEqual({ access_token: 'at' })
  })

  it('truncates recorded bodies over MAX_RECORDED_BODY but hands the whole body to the caller', async () => {
    const big = 'x'.repeat(MAX_RECORDED_BODY + 10)
    const { rec } = setup(async () => new Response(big))
    const response = await rec.fetch('https://as.example.com/big')
    expect(rec.exchanges[0]?.response?.body).toHaveLength(MAX_RECORDED_BODY)
    expect(rec.exchanges[0]?.response?.bodyTruncated).toBe(true)
    expect(rec.exchanges[0]?.response?.bodySize).toBe(MAX_RECORDED_BODY + 10)
    expect(await response.text()).toHaveLength(MAX_RECORDED_BODY + 10)

    const { rec: rec2 } = setup(async () => new Response('y'.repeat(MAX_RECORDED_BODY)))
    await rec2.fetch('https://as.example.com/exact')
    expect(rec2.exchanges[0]?.response?.bodyTruncated).toBe(false)
    expect(rec2.exchanges[0]?.response?.bodySize).toBeUndefined()
  })

  it('measures the duration with the injected clock', async () => {
    let t = 1000
    const { rec } = setup(
      async () => {
        t += 250
        return new Response('')
      },
      { now: () => t },
    )
    await rec.fetch('https://as.example.com/x')
    expect(rec.exchanges[0]?.startedAt).toBe(1000)
    expect(rec.exchanges[0]?.durationMs).toBe(250)
  })

  it('records a TypeError, classifies it and rethrows the same error', async () => {
    const failure = new TypeError('Failed to fetch')
    const classified: Array<[string, RequestInit]> = []
    const { rec } = setup(
      async () => {
        throw failure
      },
      {
        classify: async (url, init) => {
          classified.push([url, init])
          return { verdict: 'blocked-by-cors' as CorsVerdict, detail: 'no ACAO' }
        },
      },
    )
    const init = { method: 'POST', headers: { authorization: 'Basic x' } }
    await expect(rec.fetch('https://as.example.com/token', init)).rejects.toBe(failure)
    const ex = rec.exchanges[0]
    expect(ex?.error).toEqual({ name: 'TypeError', message: 'Failed to fetch' })
    expect(ex?.response).toBeUndefined()
    expect(ex?.cors).toBe('blocked-by-cors')
    expect(ex?.corsDetail).toBe('no ACAO')
    expect(classified).toEqual([['https://as.example.com/token', init]])
  })

  it('does not classify errors that are not TypeErrors', async () => {
    let classifyCalls = 0
    const abort = new DOMException('The operation was aborted.', 'AbortError')
    const { rec } = setup(
      async () => {
        throw abort
      },
      {
        classify: async () => {
          classifyCalls += 1
          return { verdict: 'unreachable' as CorsVerdict, detail: '' }
        },
      },
    )
    await expect(rec.fetch('https://as.example.com/x')).rejects.toBe(abort)
    expect(classifyCalls).toBe(0)
    expect(rec.exchanges[0]?.error).toEqual({ name: 'AbortError', message: 'The operation was aborted.' })
    expect(rec.exchanges[0]?.cors).toBe('not-checked')
  })

  it('records not-checked for a TypeError without classify, and when classify itself fails', async () => {
    const { rec } = setup(async () => {
      throw new TypeError('Failed to fetch')
    })
    await expect(rec.fetch('https://as.example.com/x')).rejects.toThrow(TypeError)
    expect(rec.exchanges[0]?.cors).toBe('not-checked')

    const { rec: rec2 } = setup(
      async () => {
        throw new TypeError('Failed to fetch')
      },
      {
        classify: async () => {
          throw new Error('probe broke')
        },
      },
    )
    await expect(rec2.fetch('https://as.example.com/x')).rejects.toThrow('Failed to fetch')
    expect(rec2.exchanges[0]?.cors).toBe('not-checked')
  })

  it('records an opaqueredirect response as cors "redirected" without reading its body', async () => {
    const opaque = new Response(null)
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' })
    Object.defineProperty(opaque, 'status', { value: 0 })
    const { rec } = setup(async () => opaque)
    const response = await rec.fetch('https://as.example.com/.well-known/openid-configuration', { redirect: 'manual' })
    expect(response).toBe(opaque)
    const ex = rec.exchanges[0]
    expect(ex?.cors).toBe('redirected')
    expect(ex?.corsDetail).toMatch(/redirect/)
    expect(ex?.response).toMatchObject({ status: 0, type: 'opaqueredirect', body: '', bodyTruncated: false })
  })

  it('gives every exchange a distinct id', async () => {
    const { rec } = setup(async () => new Response(''))
    await rec.fetch('https://as.example.com/1')
    await rec.fetch('https://as.example.com/2')
    const [a, b] = rec.exchanges
    expect(a?.id).toBeTruthy()
    expect(a?.id).not.toBe(b?.id)
    expect(nextExchangeId('t').startsWith('t')).toBe(true)
  })
})

describe('browserAddedHeaders', () => {
  it('adds Origin for cross-origin requests and for same-origin non-GET requests', () => {
    expect(browserAddedHeaders('GET', 'https://as.example.com/x', PAGE)).toContainEqual(['origin', PAGE])
    expect(browserAddedHeaders('GET', `${PAGE}/x`, PAGE).some(([k]) => k === 'origin')).toBe(false)
    expect(browserAddedHeaders('POST', `${PAGE}/x`, PAGE)).toContainEqual(['origin', PAGE])
  })
})

describe('readBody', () => {
  it('does not consume the response', async () => {
    const r = new Response('hello')
    expect(await readBody(r)).toEqual({ body: 'hello', truncated: false })
    expect(await r.text()).toBe('hello')
  })

  it('reports an unreadable body instead of throwing', async () => {
    const r = new Response('used')
    await r.text()
    const out = await readBody(r)
    expect(out.body).toMatch(/^\[body could not be read/)
    expect(out.truncated).toBe(false)
  })
})
