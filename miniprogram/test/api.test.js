/**
 * The API client against exchanges recorded from a real server. `wx.request` is WeChat's
 * runtime, so it is a test double here that replays those exchanges.
 */
const config = require('../config')
const api = require('../utils/api')
const {fixture, replay, installWx, headerOf} = require('./helpers/wx')

const home = fixture('layout-home')
const notModified = fixture('layout-home-304')
const login = fixture('login')
const BASE = `${config.baseUrl}/api/v1/shops/${config.shop}`

describe('layouts are cached by ETag', () => {
  test('the first fetch stores the layout with its ETag; the next sends If-None-Match and uses the stored body on 304', async () => {
    const {requests, storage} = installWx(replay(home, notModified))

    const first = await api.layout('home')
    expect(first.fromCache).toBe(false)
    expect(first.layout).toEqual(home.body)
    expect(requests[0].url).toBe(`${BASE}/layouts/home`)
    expect(requests[0].method).toBe('GET')
    expect(requests[0].header['X-Client-Version']).toBe(config.clientVersion)
    expect(headerOf(requests[0].header, 'If-None-Match')).toBeUndefined()
    expect(storage.get(api.layoutKey('home'))).toEqual({etag: home.headers.ETag, body: home.body})
    expect(api.cachedLayout('home').body).toEqual(home.body)

    const second = await api.layout('home')
    expect(requests).toHaveLength(2)
    expect(headerOf(requests[1].header, 'If-None-Match')).toBe(home.headers.ETag)
    expect(notModified.status).toBe(304) // what the server really answered to that header
    expect(second.fromCache).toBe(true)
    expect(second.layout).toEqual(home.body)
  })

  test('a changed layout (another ETag) replaces the stored copy', async () => {
    const changed = JSON.parse(JSON.stringify(home))
    changed.headers.ETag = '"a-newer-version"'
    changed.body.page.version += 1
    const {requests, storage} = installWx(replay(home))
    await api.layout('home')
    wx.request.mockImplementation(opts => {
      requests.push({header: opts.header})
      setTimeout(() => opts.success({statusCode: 200, header: changed.headers, data: changed.body}), 0)
    })
    const next = await api.layout('home')
    expect(headerOf(requests[1].header, 'If-None-Match')).toBe(home.headers.ETag)
    expect(next.fromCache).toBe(false)
    expect(next.layout.page.version).toBe(home.body.page.version + 1)
    expect(storage.get(api.layoutKey('home')).etag).toBe('"a-newer-version"')
  })

  test('layouts with page parameters are cached apart, and the ETag header is found in any case', async () => {
    const product = fixture('layout-product')
    const lower = JSON.parse(JSON.stringify(product))
    lower.headers = {etag: product.headers.ETag}
    const {storage} = installWx(replay(lower))
    const id = Number(product.request.path.split('id=')[1])
    await api.layout('product', {id})
    expect(storage.get(api.layoutKey('product', {id})).etag).toBe(product.headers.ETag)
    expect(api.cachedLayout('product', {id: id + 1})).toBeNull()
  })

  test('an unknown page is an ApiError from the problem+json', async () => {
    installWx(replay('layout-missing'))
    const error = await api.layout('no-such-page').catch(e => e)
    expect(error).toBeInstanceOf(api.ApiError)
    expect(error.status).toBe(404)
    expect(error.code).toBe('page_not_found')
    expect(error.message).toBe('页面不存在或未发布')
    expect(error.detail).toBe(fixture('layout-missing').body.detail)
  })
})

describe('login and the Bearer token', () => {
  const simulatorOpenid = config.simulatorOpenid
  beforeEach(() => { config.simulatorOpenid = '' })
  afterEach(() => { config.simulatorOpenid = simulatorOpenid })

  test('against the WeChat simulator the code is dev-<openid>, without wx.login', async () => {
    const {requests} = installWx(replay('login', 'me'))
    config.simulatorOpenid = 'miniprogram-fixture'
    await api.get('/me')
    expect(wx.login).not.toHaveBeenCalled()
    expect(requests[0].data).toEqual(login.request.body)
  })

  test('wx.login once, POST auth/wechat with the code, then every call sends the token', async () => {
    const {requests, storage} = installWx(replay('login', 'me', 'order-counts'))
    const [me, counts] = await Promise.all([api.get('/me'), api.get('/orders/counts')])
    expect(wx.login).toHaveBeenCalledTimes(1)
    const auth = requests.filter(r => r.url.endsWith('/auth/wechat'))
    expect(auth).toHaveLength(1)
    expect(auth[0].data).toEqual({code: 'dev-miniprogram-fixture'})
    expect(storage.get(`mallkit:${config.shop}:token`).token).toBe(login.body.token)
    const calls = requests.filter(r => !r.url.endsWith('/auth/wechat'))
    expect(calls.map(r => r.header.Authorization)).toEqual([`Bearer ${login.body.token}`, `Bearer ${login.body.token}`])
    expect(me.id).toBe(login.body.member.id)
    expect(counts).toEqual(fixture('order-counts').body)
  })

  test('a 401 for a stale token logs in again and retries once', async () => {
    const anonymous = fixture('orders-anonymous')
    const counts = fixture('order-counts')
    const {requests, storage} = installWx(request => {
      if (request.url.endsWith('/auth/wechat')) return replay(login)(request)
      if (request.header.Authorization === `Bearer ${login.body.token}`) return replay(counts)(request)
      return {statusCode: 401, header: anonymous.headers,
        data: Object.assign({}, anonymous.body, {code: 'invalid_token', title: 'Invalid token'})}
    })
    storage.set(`mallkit:${config.shop}:token`, {token: 'mk_revoked', expires_at: login.body.expires_at})
    const result = await api.get('/orders/counts')
    expect(result).toEqual(counts.body)
    expect(requests.map(r => r.url.replace(BASE, ''))).toEqual(['/orders/counts', '/auth/wechat', '/orders/counts'])
    expect(requests[0].header.Authorization).toBe('Bearer mk_revoked')
  })

  test('an expired stored token is not sent', async () => {
    const {requests, storage} = installWx(replay('login', 'me'))
    storage.set(`mallkit:${config.shop}:token`, {token: 'mk_old', expires_at: '2000-01-01T00:00:00+00:00'})
    await api.get('/me')
    expect(requests[0].url).toBe(`${BASE}/auth/wechat`)
    expect(requests[1].header.Authorization).toBe(`Bearer ${login.body.token}`)
  })

  test('calls without auth send no token and do not log in', async () => {
    const {requests} = installWx(replay('product'))
    const product = fixture('product')
    await api.get(product.request.path.replace(`/api/v1/shops/${config.shop}`, ''), {auth: false})
    expect(wx.login).not.toHaveBeenCalled()
    expect(requests[0].header.Authorization).toBeUndefined()
  })
})

describe('problem+json errors reach the shopper', () => {
  test('validation errors name their fields', async () => {
    const invalid = fixture('address-invalid')
    installWx(replay('login', invalid))
    const error = await api.post('/addresses', invalid.request.body).catch(e => e)
    expect(error.status).toBe(422)
    const fields = error.fieldErrors()
    invalid.body.errors.forEach(e => {
      expect(fields[e.pointer.slice(1)]).toBe(e.message)
    })
    expect(error.message).toBe(invalid.body.errors.map(e => e.message).join('；'))
  })

  test('showError: a toast with the message, the detail in a modal in debug builds', () => {
    installWx(null)
    const error = new api.ApiError(fixture('layout-missing').body)
    const debug = config.debug
    try {
      config.debug = false
      api.showError(error)
      expect(wx.showToast).toHaveBeenCalledWith({title: '页面不存在或未发布', icon: 'none'})
      config.debug = true
      api.showError(error)
      expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({content: error.detail}))
    } finally {
      config.debug = debug
    }
  })

  test('a network failure is an ApiError with code "network"', async () => {
    installWx(null)
    const error = await api.layout('home').catch(e => e)
    expect(error).toBeInstanceOf(api.ApiError)
    expect(error.code).toBe('network')
    expect(error.message).toBe('网络连接失败，请稍后重试')
  })
})

test('idempotency keys match the server pattern and differ', () => {
  const a = api.idempotencyKey()
  const b = api.idempotencyKey()
  expect(a).toMatch(/^[A-Za-z0-9_.:-]{8,80}$/)
  expect(a).not.toBe(b)
})
