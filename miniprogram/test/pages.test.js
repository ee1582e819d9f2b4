/**
 * The pages against exchanges recorded from a real server: the home layout (cached, then
 * revalidated), a product (price, SKU, add to cart), the cart, checkout (quote breakdown,
 * order with an Idempotency-Key, wx.requestPayment with the server's parameters), orders.
 */
const config = require('../config')
const api = require('../utils/api')
const {fixture, replay, installWx, settle, headerOf} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')

const BASE = `${config.baseUrl}/api/v1/shops/${config.shop}`
const yuan = fen => `¥${(fen / 100).toFixed(2)}`

function page(name) {
  return render(`pages/${name}/index`)
}

/** The server's image_url of a line, as the page loads it (made absolute). */
function shown(line) {
  expect(line.image_url).toMatch(/^\/media\//)
  return config.baseUrl.replace(/\/+$/, '') + line.image_url
}

function sent(requests, method, path) {
  return requests.filter(r => r.method === method && r.url === `${BASE}${path}`)
}

describe('home', () => {
  test('renders the home layout, then shows the stored copy at once and revalidates it', async () => {
    const home = fixture('layout-home')
    const {requests} = installWx(replay('layout-home', 'layout-home-304'))
    const first = page('index')
    await first.instance.onLoad()
    expect(first.data.layout).toEqual(home.body)
    expect(first.querySelector('#layout').querySelectorAll('.node').length).toBe(home.body.nodes.length)
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({title: home.body.page.title})

    const again = page('index')
    const loading = again.instance.onLoad()
    expect(again.data.layout).toEqual(home.body) // before the network answered
    const result = await loading
    expect(result.fromCache).toBe(true)
    expect(headerOf(requests[1].header, 'If-None-Match')).toBe(home.headers.ETag)
  })

  test('a page that does not exist says so', async () => {
    installWx(replay('layout-missing'))
    const view = page('page')
    await view.instance.onLoad({slug: 'no-such-page'})
    expect(view.data.layout).toBeNull()
    expect(text(view)).toContain('页面不存在或未发布')
  })
})

describe('product', () => {
  const product = fixture('product')
  const layout = fixture('layout-product')

  test('shows the product and its layout, prices in ¥ from fen', async () => {
    installWx(replay(product, layout))
    const view = page('product')
    await view.instance.onLoad({id: String(product.body.id)})
    expect(text(view)).toContain(product.body.title)
    expect(view.data.price).toBe(product.body.max_price_fen > product.body.price_fen
      ? `${yuan(product.body.price_fen)} 起` : yuan(product.body.price_fen))
    expect(view.data.layout).toEqual(layout.body)
    // The merchant's blocks go around the page's own buy box; the product-buybox node is it.
    const buybox = layout.body.nodes.findIndex(n => n.type === 'product-buybox')
    expect(buybox).toBeGreaterThanOrEqual(0)
    const after = layout.body.nodes.slice(buybox + 1)
    expect(view.querySelector('#layout').querySelectorAll('.node').length).toBe(after.length)
    after.forEach(n => expect(view.querySelector('#layout').querySelector(`#node-${n.id}`)).toBeTruthy())
    expect(view.querySelector('#layout-before')).toBeFalsy()
  })

  test('picking the spec and adding to the cart posts that SKU', async () => {
    const add = fixture('cart-add')
    const {requests} = installWx(replay(product, layout, 'login', add))
    const view = page('product')
    await view.instance.onLoad({id: String(product.body.id), buy: '1'})
    expect(view.data.picker).toBe(true)
    const sku = product.body.skus.find(s => s.id === add.request.body.sku_id)
    sku.spec_values.forEach((value, i) => {
      view.instance.onSpec({currentTarget: {dataset: {spec: i, value, disabled: false}}})
    })
    expect(view.data.sku.id).toBe(sku.id)
    expect(view.data.price).toBe(yuan(sku.price_fen))
    view.instance.onQty({currentTarget: {dataset: {step: add.request.body.qty - 1}}})
    await view.instance.onConfirm()
    expect(sent(requests, 'POST', '/cart/items')[0].data).toEqual(add.request.body)
    expect(wx.showToast).toHaveBeenCalledWith({title: '已加入购物车', icon: 'success'})
  })
})

test('cart: lines, totals and the checkout button', async () => {
  const cart = fixture('cart')
  installWx(replay('login', cart))
  const view = page('cart')
  await view.instance.onShow()
  const line = cart.body.lines[0]
  expect(text(view)).toContain(line.title)
  expect(text(view)).toContain(yuan(line.unit_price_fen))
  expect(view.data.lines[0].image).toBe(shown(line))
  expect(view.data.total).toBe(yuan(cart.body.selected_total_fen))
  expect(require('../utils/navigation').cartCount()).toBe(cart.body.count) // the tab bar's badge
  view.instance.onCheckout()
  expect(wx.navigateTo).toHaveBeenCalledWith({url: '/pages/checkout/index'})
})

describe('checkout', () => {
  const quote = fixture('quote')
  const order = fixture('order')
  const pay = fixture('pay')

  async function checkout() {
    const env = installWx(replay('login', 'checkout-options', 'addresses', quote, order, pay))
    const view = page('checkout')
    await view.instance.onLoad({})
    return Object.assign(env, {view})
  }

  test('quotes the cart for the default address and shows the breakdown', async () => {
    const {view, requests} = await checkout()
    expect(sent(requests, 'POST', '/checkout/quote')[0].data).toEqual(quote.request.body)
    const rows = view.data.rows
    expect(rows[0]).toEqual({label: '商品金额', amount: yuan(quote.body.goods_total_fen)})
    expect(rows).toContainEqual({label: '运费', amount: quote.body.shipping_fen ? yuan(quote.body.shipping_fen) : '免运费'})
    expect(view.data.payable).toBe(yuan(quote.body.payable_fen))
    expect(text(view)).toContain(yuan(quote.body.payable_fen))
    expect(text(view)).toContain(quote.body.lines[0].title)
    expect(view.data.lines[0].image).toBe(shown(quote.body.lines[0]))
  })

  test('submits the order once per quote and pays with the parameters the server signed', async () => {
    const {view, requests} = await checkout()
    const done = await view.instance.onSubmit()
    const posted = sent(requests, 'POST', '/orders')
    expect(posted).toHaveLength(1)
    expect(posted[0].data).toEqual({quote_id: quote.body.quote_id})
    expect(posted[0].header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_.:-]{8,80}$/)
    expect(sent(requests, 'POST', `/orders/${order.body.id}/pay`)[0].data).toEqual({method: 'wechatpay'})
    const params = pay.body.request_payment
    expect(wx.requestPayment).toHaveBeenCalledTimes(1)
    expect(wx.requestPayment.mock.calls[0][0]).toEqual(expect.objectContaining({
      timeStamp: params.timeStamp, nonceStr: params.nonceStr, package: params.package,
      signType: params.signType, paySign: params.paySign}))
    expect(done.result.paid).toBe(true)
    expect(wx.redirectTo).toHaveBeenCalledWith({url: `/pages/order/index?id=${order.body.id}`})
  })

  test('a cancelled payment still lands on the order, unpaid', async () => {
    const {view} = await checkout()
    wx.requestPayment.mockImplementation(opts => opts.fail({errMsg: 'requestPayment:fail cancel'}))
    const done = await view.instance.onSubmit()
    expect(done.result).toEqual(expect.objectContaining({paid: false, cancelled: true}))
    expect(wx.showModal).not.toHaveBeenCalled()
    expect(wx.redirectTo).toHaveBeenCalledWith({url: `/pages/order/index?id=${order.body.id}`})
  })

  test('a simulator payment WeChat refuses tells the developer how to finish it', async () => {
    expect(pay.body.simulated).toBe(true)
    const {view} = await checkout()
    wx.requestPayment.mockImplementation(opts => opts.fail({errMsg: 'requestPayment:fail invalid signature'}))
    await view.instance.onSubmit()
    expect(wx.showModal.mock.calls[0][0].content).toContain(`simulate-paid ${order.body.order_no}`)
  })

  test('an address the server refuses shows the message under each field', async () => {
    const invalid = fixture('address-invalid')
    installWx(replay('login', 'checkout-options', 'addresses', quote, invalid))
    const view = page('checkout')
    await view.instance.onLoad({})
    view.instance.toggleForm()
    view.instance.onField({currentTarget: {dataset: {field: 'name'}}, detail: {value: invalid.request.body.name}})
    await view.instance.onSaveForm()
    invalid.body.errors.forEach(e => {
      expect(view.data.formErrors[e.pointer.slice(1)]).toBe(e.message)
    })
    expect(text(view)).toContain(invalid.body.errors[0].message)
  })

  test('buy now quotes the chosen items instead of the cart', async () => {
    const {requests} = installWx(replay('login', 'checkout-options', 'addresses', quote))
    const view = page('checkout')
    await view.instance.onLoad({sku: '180', qty: '3'})
    const body = sent(requests, 'POST', '/checkout/quote')[0].data
    expect(body.source).toBe('items')
    expect(body.items).toEqual([{sku_id: 180, qty: 3}])
  })

  test('an exchange quotes the item as a points-mall activity, without the points switch', async () => {
    const {requests} = installWx(replay('login', 'checkout-options', 'addresses', quote))
    const view = page('checkout')
    await view.instance.onLoad({sku: '180', qty: '1', activity: 'pointsmall', activity_id: '7'})
    const body = sent(requests, 'POST', '/checkout/quote')[0].data
    expect(body).toEqual(expect.objectContaining({source: 'items', items: [{sku_id: 180, qty: 1}],
      activity: {kind: 'pointsmall', id: 7}}))
    expect(text(view)).not.toContain('使用积分抵扣')
  })

  test('an order with nothing to pay is not sent to payment', async () => {
    const paid = JSON.parse(JSON.stringify(order))
    paid.body.status = 'paid'
    const {requests} = installWx(replay('login', 'checkout-options', 'addresses', quote, paid, pay))
    const view = page('checkout')
    await view.instance.onLoad({sku: '180', qty: '1', activity: 'pointsmall', activity_id: '7'})
    const done = await view.instance.onSubmit()
    expect(done.result.paid).toBe(true)
    expect(sent(requests, 'POST', `/orders/${order.body.id}/pay`)).toHaveLength(0)
    expect(wx.requestPayment).not.toHaveBeenCalled()
    expect(wx.redirectTo).toHaveBeenCalledWith({url: `/pages/order/index?id=${order.body.id}`})
  })
})

describe('orders', () => {
  test('the list shows each order with its status and amount', async () => {
    const orders = fixture('orders')
    installWx(replay('login', orders, 'order-counts'))
    const view = page('orders')
    view.instance.onLoad({})
    await view.instance.onShow()
    await settle()
    const first = orders.body.items[0]
    expect(text(view)).toContain(first.status_label)
    expect(text(view)).toContain(yuan(first.payable_fen))
    expect(view.data.counts).toEqual(fixture('order-counts').body)
    expect(view.data.orders[0].lines[0].image).toBe(shown(first.lines[0]))
    await tap(view.querySelectorAll('.order')[0])
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/order/index?id=${first.id}`})
  })

  test('the order page shows the breakdown and pays an unpaid order', async () => {
    const detail = fixture('order-detail')
    const pay = fixture('pay')
    const {requests} = installWx(replay('login', detail, 'checkout-options', pay))
    const view = page('order')
    await view.instance.onLoad({id: String(detail.body.id)})
    await settle()
    expect(text(view)).toContain(detail.body.status_label)
    expect(view.data.card.lines[0].image).toBe(shown(detail.body.lines[0]))
    expect(view.data.rows).toContainEqual({label: '应付', amount: yuan(detail.body.payable_fen), total: true})
    expect(view.data.methods.map(m => m.key)).toEqual(fixture('checkout-options').body.payment_methods)
    await view.instance.onPay({currentTarget: {dataset: {method: 'wechatpay'}}})
    expect(sent(requests, 'POST', `/orders/${detail.body.id}/pay`)).toHaveLength(1)
    expect(wx.requestPayment).toHaveBeenCalledTimes(1)
  })
})

describe('review', () => {
  test('a completed order with lines to review offers 去评价', async () => {
    const detail = fixture('order-detail')
    detail.body.status = 'completed'
    detail.body.review = {to_review: 1, reviewed: 0}
    installWx(replay('login', detail))
    const view = page('order')
    await view.instance.onLoad({id: String(detail.body.id)})
    await settle()
    await tap(view.querySelector('.actions .btn'))
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/review/index?order_id=${detail.body.id}`})
  })

  test('writes a review of the line with stars, text, a photo and 匿名, then shows it', async () => {
    const mine = fixture('reviews-mine')
    const written = fixture('review-write')
    const line = mine.body.to_review[0]
    const photo = {media_id: 77, url: '/media/1/ab/photo.png'}
    const after = {items: [written.body, ...mine.body.items], to_review: []}
    let reviewed = false
    const recorded = replay('login', mine, written)
    const {requests} = installWx(request => {
      if (request.method === 'POST' && request.url.endsWith('/reviews/photos')) {
        return {statusCode: 201, header: {}, data: photo}
      }
      if (reviewed && request.method === 'GET') return {statusCode: 200, header: {}, data: after}
      if (request.method === 'POST' && request.url.endsWith('/reviews')) reviewed = true
      return recorded(request)
    })
    wx.chooseMedia.mockImplementation(opts => opts.success({tempFiles: [{tempFilePath: 'wxfile://tmp/a.png'}]}))
    const view = page('review')
    await view.instance.onLoad({order_id: String(line.order_id)})
    await settle()
    expect(text(view)).toContain(line.title)
    expect(text(view)).toContain(mine.body.items[0].content)

    await tap(view.querySelectorAll('.rform__star')[3])
    expect(view.data.forms[0].stars).toBe(4)
    view.instance.onContent({currentTarget: {dataset: {index: 0}}, detail: {value: '颜色很正，尺码合适'}})
    view.instance.onAnonymous({currentTarget: {dataset: {index: 0}}, detail: {value: true}})
    await tap(view.querySelector('.rform__add'))
    await settle()
    const upload = requests.find(r => r.method === 'UPLOAD')
    expect(upload).toMatchObject({url: `${BASE}/reviews/photos`, name: 'file', filePath: 'wxfile://tmp/a.png'})
    expect(upload.header.Authorization).toMatch(/^Bearer /)
    expect(view.data.forms[0].photos).toEqual([{media_id: 77, url: `${config.baseUrl}${photo.url}`}])

    await tap(view.querySelector('.rform .btn'))
    await settle()
    const [post] = sent(requests, 'POST', '/reviews')
    expect(post.data).toEqual({order_id: line.order_id, line_id: line.line_id, stars: 4,
      content: '颜色很正，尺码合适', images: [{media_id: 77}], anonymous: true})
    expect(wx.showToast).toHaveBeenCalledWith({title: '评价成功', icon: 'success'})
    expect(text(view)).toContain('没有待评价的商品')
    expect(text(view)).toContain(written.body.content)
  })

  test('a photo the server refuses says why', async () => {
    const mine = fixture('reviews-mine')
    const recorded = replay('login', mine)
    installWx(request => (request.url.endsWith('/reviews/photos')
      ? {statusCode: 422, header: {}, data: {status: 422, code: 'unsupported_media', errors: [
        {pointer: '/file', message: 'not an image', code: 'unsupported_media'}]}}
      : recorded(request)))
    wx.chooseMedia.mockImplementation(opts => opts.success({tempFiles: [{tempFilePath: 'wxfile://tmp/a.exe'}]}))
    const view = page('review')
    await view.instance.onLoad({})
    await settle()
    await tap(view.querySelector('.rform__add'))
    await settle()
    expect(wx.showToast).toHaveBeenCalledWith({title: '只能上传图片（JPEG、PNG、WebP、GIF）', icon: 'none'})
    expect(view.data.forms[0].photos).toEqual([])
  })
})

test('user centre: the member, order counts and the user layout', async () => {
  const me = fixture('me')
  const layout = fixture('layout-user')
  installWx(replay('login', me, 'order-counts', layout))
  const view = page('user')
  await Promise.all([view.instance.onLoad(), view.instance.onShow()])
  expect(view.data.member).toEqual(me.body)
  expect(text(view)).toContain(me.body.level.name)
  expect(view.data.layout).toEqual(layout.body)
  expect(view.querySelector('#layout').querySelectorAll('.node').length).toBe(layout.body.nodes.length)
  expect(api.storedToken()).toBe(fixture('login').body.token)
})

test('user centre: a user-card block shows the member, asking the server once', async () => {
  const me = fixture('me')
  const layout = fixture('layout-user')
  expect(layout.body.nodes.map(n => n.type)).toContain('user-card')
  const {requests} = installWx(replay('login', me, 'order-counts', layout))
  const view = page('user')
  await Promise.all([view.instance.onLoad(), view.instance.onShow()])
  await settle()
  expect(view.data.hasCard).toBe(true)
  const node = layout.body.nodes.find(n => n.type === 'user-card')
  const card = view.querySelector('#layout').querySelector(`#node-${node.id}`)
  expect(card.querySelector('.ucard')).toBeTruthy()
  expect(text(card)).toContain(me.body.level.name)
  expect(text(view)).toContain(me.body.level.name)
  expect(text(view)).toContain(`${me.body.points}`)
  expect(sent(requests, 'GET', '/me')).toHaveLength(1)
  expect(sent(requests, 'GET', '/orders/counts')).toHaveLength(1)
})

describe('aftersale', () => {
  const created = fixture('aftersale-create')
  const detail = fixture('aftersale-detail')
  const shipped = fixture('aftersale-ship')
  const asked = created.request.body

  /** The recorded order detail, as the buyer's order the after-sale was asked for. */
  function orderOfRequest(status) {
    const order = fixture('order-detail')
    order.body.id = asked.order_id
    order.body.status = status
    order.body.lines = [Object.assign({}, order.body.lines[0], {id: asked.line_id, payable_fen: 21900,
      shipped_qty: status === 'paid' ? 0 : order.body.lines[0].qty})]
    order.body.aftersale_lines = {}
    order.request.path = order.request.path.replace(/\/orders\/\d+$/, `/orders/${asked.order_id}`)
    return order
  }

  test('the order page offers 申请售后 on a line of a paid order, or follows the open one', async () => {
    const order = orderOfRequest('shipped')
    installWx(replay('login', order))
    const view = page('order')
    await view.instance.onLoad({id: String(asked.order_id)})
    await settle()
    expect(text(view)).toContain('申请售后')
    await tap(view.querySelector('.oline__aftersale'))
    expect(wx.navigateTo).toHaveBeenCalledWith(
      {url: `/pages/aftersale/index?order_id=${asked.order_id}&line_id=${asked.line_id}`})

    order.body.aftersale_lines = {[String(asked.line_id)]: {status: 'apply', status_label: '待商家处理',
      open_aftersale_id: created.body.id, refunded_fen: 0}}
    installWx(replay('login', order))
    const again = page('order')
    await again.instance.onLoad({id: String(asked.order_id)})
    await settle()
    expect(text(again)).toContain('售后：待商家处理')
    await tap(again.querySelector('.oline__aftersale'))
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/aftersale/index?id=${created.body.id}`})
  })

  test('asks for a return of the line with the amount in yuan, then opens the request', async () => {
    const {requests} = installWx(replay('login', orderOfRequest('completed'), created))
    const view = page('aftersale')
    await view.instance.onLoad({order_id: String(asked.order_id), line_id: String(asked.line_id)})
    await settle()
    expect(text(view)).toContain('可退 ¥219.00')
    view.instance.onKind({detail: {value: 1}})
    view.instance.onField({currentTarget: {dataset: {field: 'amount'}}, detail: {value: '1.00'}})
    view.instance.onField({currentTarget: {dataset: {field: 'reason'}}, detail: {value: asked.reason}})
    view.instance.onField({currentTarget: {dataset: {field: 'description'}}, detail: {value: asked.description}})
    await tap(view.querySelector('.submit'))
    await settle()
    const [post] = sent(requests, 'POST', '/aftersales')
    expect(post.data).toEqual(asked)
    expect(wx.redirectTo).toHaveBeenCalledWith({url: `/pages/aftersale/index?id=${created.body.id}`})
  })

  test('a line not shipped yet offers a refund only', async () => {
    installWx(replay('login', orderOfRequest('paid')))
    const view = page('aftersale')
    await view.instance.onLoad({order_id: String(asked.order_id), line_id: String(asked.line_id)})
    await settle()
    expect(view.data.kinds.map(k => k.key)).toEqual(['refund'])
  })

  test('attaches up to 9 photos as removable thumbnails and sends them with the request', async () => {
    const recorded = replay('login', orderOfRequest('completed'), created)
    let uploaded = 0
    const {requests} = installWx(request => {
      if (request.url.endsWith('/aftersales/photos')) {
        uploaded += 1
        return {statusCode: 201, header: {}, data: {media_id: 100 + uploaded, url: `/media/1/ab/p${uploaded}.png`}}
      }
      if (request.method === 'POST' && request.url.endsWith('/aftersales')) {
        return {statusCode: 201, header: {}, data: created.body}
      }
      return recorded(request)
    })
    wx.chooseMedia.mockImplementation(opts => opts.success({tempFiles: Array.from({length: opts.count},
      (_, i) => ({tempFilePath: `wxfile://tmp/${i}.png`}))}))
    const view = page('aftersale')
    await view.instance.onLoad({order_id: String(asked.order_id), line_id: String(asked.line_id)})
    await settle()
    await tap(view.querySelector('.photos__add'))
    for (let i = 0; i < 200 && view.data.form.photos.length < 9; i += 1) await settle()  // one after another
    expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({count: 9, mediaType: ['image']})
    const uploads = requests.filter(r => r.method === 'UPLOAD')
    expect(uploads).toHaveLength(9)
    expect(uploads[0]).toMatchObject({url: `${BASE}/aftersales/photos`, name: 'file', filePath: 'wxfile://tmp/0.png'})
    expect(view.data.form.photos).toHaveLength(9)
    expect(view.data.form.photos[0]).toEqual({media_id: 101, url: `${config.baseUrl}/media/1/ab/p1.png`})
    expect(view.querySelectorAll('.photos__thumb').length).toBe(9)
    expect(view.querySelector('.photos__add')).toBeFalsy()  // 9 is the most

    await tap(view.querySelectorAll('.photos__remove')[1])  // × removes the second
    expect(view.data.form.photos.map(p => p.media_id)).toEqual([101, 103, 104, 105, 106, 107, 108, 109])
    expect(view.querySelectorAll('.photos__thumb').length).toBe(8)
    await tap(view.querySelector('.photos__add'))  // room for one more
    for (let i = 0; i < 200 && view.data.form.photos.length < 9; i += 1) await settle()
    expect(wx.chooseMedia.mock.calls[1][0].count).toBe(1)
    expect(view.data.form.photos).toHaveLength(9)

    view.instance.onField({currentTarget: {dataset: {field: 'reason'}}, detail: {value: '有破损'}})
    await tap(view.querySelector('.submit'))
    await settle()
    const [post] = sent(requests, 'POST', '/aftersales')
    expect(post.data.images).toEqual([101, 103, 104, 105, 106, 107, 108, 109, 110].map(id => ({media_id: id})))
  })

  test('a photo the server refuses says why and is not attached', async () => {
    const recorded = replay('login', orderOfRequest('completed'))
    installWx(request => (request.url.endsWith('/aftersales/photos')
      ? {statusCode: 422, header: {}, data: {status: 422, code: 'unsupported_media', errors: [
        {pointer: '/file', message: 'not an image', code: 'unsupported_media'}]}}
      : recorded(request)))
    wx.chooseMedia.mockImplementation(opts => opts.success({tempFiles: [{tempFilePath: 'wxfile://tmp/a.exe'}]}))
    const view = page('aftersale')
    await view.instance.onLoad({order_id: String(asked.order_id), line_id: String(asked.line_id)})
    await settle()
    await tap(view.querySelector('.photos__add'))
    await settle()
    expect(wx.showToast).toHaveBeenCalledWith({title: '只能上传图片（JPEG、PNG、WebP、GIF）', icon: 'none'})
    expect(view.data.form.photos).toEqual([])
  })

  test('an amount above what is refundable shows the server\'s reason', async () => {
    const recorded = replay('login', orderOfRequest('completed'))
    installWx(request => (request.method === 'POST' && request.url.endsWith('/aftersales')
      ? {statusCode: 422, header: {}, data: {status: 422, code: 'validation_failed', errors: [
        {pointer: '/amount_fen', message: 'from 1 to 21900 fen', code: 'refundable'}]}}
      : recorded(request)))
    const view = page('aftersale')
    await view.instance.onLoad({order_id: String(asked.order_id), line_id: String(asked.line_id)})
    await settle()
    view.instance.onField({currentTarget: {dataset: {field: 'amount'}}, detail: {value: '300'}})
    view.instance.onField({currentTarget: {dataset: {field: 'reason'}}, detail: {value: '太贵'}})
    await tap(view.querySelector('.submit'))
    await settle()
    expect(wx.redirectTo).not.toHaveBeenCalled()
    expect(view.data.error).toContain('21900')
  })

  test('tracks an agreed return and ships the goods back', async () => {
    const {requests} = installWx(replay('login', detail, shipped))
    const view = page('aftersale')
    await view.instance.onLoad({id: String(detail.body.id)})
    await settle()
    expect(text(view)).toContain(detail.body.status_label)
    expect(text(view)).toContain('撤销申请')
    view.instance.onShipField({currentTarget: {dataset: {field: 'carrier'}}, detail: {value: shipped.request.body.carrier}})
    view.instance.onShipField({currentTarget: {dataset: {field: 'trackingNo'}}, detail: {value: shipped.request.body.tracking_no}})
    await tap(view.querySelector('.ship__btn'))
    await settle()
    expect(sent(requests, 'POST', `/aftersales/${detail.body.id}/return-shipment`)[0].data)
      .toEqual(shipped.request.body)
    expect(text(view)).toContain(shipped.body.status_label)
    expect(text(view)).toContain(`已寄回：${shipped.request.body.carrier}`)
    expect(view.querySelector('.ship__btn')).toBeFalsy()
  })
})
