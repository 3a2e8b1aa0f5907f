import { describe, expect, it } from 'vitest'
import { MAX_PASTE, parsePastedResponse, tokensFromBody } from './pasteback'
import { MAX_RECORDED_BODY } from '../platform/recorder'

const BODY = '{"access_token":"abc","token_type":"Bearer","expires_in":3600}'

function ok(text: string) {
  const r = parsePastedResponse(text, { url: 'https://as.example.com/token' })
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`)
  return r
}

describe('parsePastedResponse', () => {
  it('takes the last block of curl -i output (100 Continue, then 200)', () => {
    const text = [
      'HTTP/1.1 100 Continue',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json;charset=UTF-8',
      'Cache-Control: no-store',
      'X-Folded: a',
      '  b',
      '',
      BODY,
      '',
    ].join('\n')
    const r = ok(text)
    expect(r.format).toBe('http')
    expect(r.response).toMatchObject({
      status: 200,
      statusText: 'OK',
      type: 'pasted',
      url: 'https://as.example.com/token',
      body: BODY,
      bodyTruncated: false,
    })
    expect(r.response.headers).toEqual([
      ['content-type', 'application/json;charset=UTF-8'],
      ['cache-control', 'no-store'],
      ['x-folded', 'a b'],
    ])
  })

  it('skips a proxy CONNECT block', () => {
    const r = ok(
      'HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\n\r\n{"error":"invalid_client"}',
    )
    expect(r.response.status).toBe(401)
    expect(r.response.headers).toEqual([['www-authenticate', 'Basic realm="x"']])
    expect(r.response.body).toBe('{"error":"invalid_client"}')
  })

  it('reads HTTP/2 with lowercase headers and no reason phrase', () => {
    const r = ok(`HTTP/2 200 \ncontent-type: application/json\naccess-control-allow-origin: *\n\n${BODY}`)
    expect(r.response.status).toBe(200)
    expect(r.response.statusText).toBe('')
    expect(r.response.headers).toContainEqual(['access-control-allow-origin', '*'])
    expect(r.response.body).toBe(BODY)
  })

  it('handles CRLF line endings throughout', () => {
    const r = ok(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n{"error":"invalid_grant",\r\n"error_description":"bad"}\r\n`,
    )
    expect(r.response.status).toBe(400)
    expect(r.response.statusText).toBe('Bad Request')
    expect(r.response.headers).toHaveLength(2)
    expect(r.response.body).toBe('{"error":"invalid_grant",\n"error_description":"bad"}')
    expect(r.response.body).not.toContain('\r')
  })

  it('ignores a shell prompt before the status line', () => {
    const r = ok(
      `$ curl -i -X POST https://as.example.com/token\nHTTP/1.1 200 OK\ncontent-type: application/json\n\n${BODY}`,
    )
    expect(r.format).toBe('http')
    expect(r.response.status).toBe(200)
    expect(r.notes.join(' ')).toContain('ignored')
  })

  it('reads curl -v output', () => {
    const text = [
      '*   Trying 127.0.0.1:443...',
      '> POST /token HTTP/1.1',
      '> Host: as.example.com',
      '>',
      '< HTTP/1.1 200 OK',
      '< Content-Type: application/json',
      '<',
      '* Connection #0 left intact',
      BODY,
    ].join('\n')
    const r = ok(text)
    expect(r.format).toBe('http')
    expect(r.response.headers).toEqual([['content-type', 'application/json']])
    expect(r.response.body).toBe(BODY)
  })

  it('takes a JSON body alone: status 200 assumed, no headers, and says so', () => {
    const r = ok(`  ${BODY}\n`)
    expect(r.format).toBe('json')
    expect(r.response).toMatchObject({ status: 200, headers: [], body: BODY, type: 'pasted' })
    expect(r.notes[0]).toContain('no headers')
  })

  it('assumes 400 for a JSON OAuth error body alone', () => {
    const r = ok('{"error":"invalid_client"}')
    expect(r.response.status).toBe(400)
    expect(r.notes[0]).toContain('OAuth error')
  })

  it('drops the zsh "%" after JSON', () => {
    const r = ok(`${BODY}%`)
    expect(r.format).toBe('json')
    expect(r.response.body).toBe(BODY)
  })

  it('keeps an HTML page as an unparsed body with status 0', () => {
    const html = '<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>'
    const r = ok(html)
    expect(r.format).toBe('body')
    expect(r.response).toMatchObject({ status: 0, headers: [], body: html })
    expect(r.notes[0]).toContain('-i')
  })

  it('keeps broken JSON as a body and says why', () => {
    const r = ok('{"access_token": "abc",')
    expect(r.format).toBe('body')
    expect(r.notes[0]).toContain('does not parse')
  })

  it('refuses empty input', () => {
    expect(parsePastedResponse('')).toMatchObject({ ok: false })
    expect(parsePastedResponse('  \r\n \t')).toMatchObject({ ok: false })
    expect(parsePastedResponse(undefined as unknown as string)).toMatchObject({ ok: false })
  })

  it('refuses more than 2 MB and cuts bodies at the recording limit', () => {
    const huge = parsePastedResponse('x'.repeat(MAX_PASTE + 1))
    expect(huge.ok).toBe(false)
    if (!huge.ok) expect(huge.error).toContain('2 MB')
    const big = ok(`HTTP/1.1 200 OK\n\n${'y'.repeat(MAX_RECORDED_BODY + 10)}`)
    expect(big.response.body.length).toBe(MAX_RECORDED_BODY)
    expect(big.response.bodyTruncated).toBe(true)
  })

  it('never throws on odd input', () => {
    for (const t of [
      'HTTP/1.1',
      'HTTP/1.1 200',
      'HTTP/1.1 200 OK',
      'HTTP/9 999 ?\n\n\n',
      '\u0000\u0001',
      '[1,2',
      '%',
    ]) {
      expect(() => parsePastedResponse(t)).not.toThrow()
    }
    expect(ok('HTTP/1.1 204 No Content').response).toMatchObject({ status: 204, body: '' })
  })
})

describe('tokensFromBody', () => {
  it('parses a JSON object', () => {
    expect(tokensFromBody(BODY)).toEqual({ access_token: 'abc', token_type: 'Bearer', expires_in: 3600 })
  })
  it('returns undefined for anything else', () => {
    expect(tokensFromBody('')).toBeUndefined()
    expect(tokensFromBody('[1]')).toBeUndefined()
    expect(tokensFromBody('null')).toBeUndefined()
    expect(tokensFromBody('<html>')).toBeUndefined()
  })
  it('does not pollute prototypes', () => {
    const t = tokensFromBody('{"__proto__":{"polluted":true}}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(t ?? {}, '__proto__')).toBe(true)
  })
})
