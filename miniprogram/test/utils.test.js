/** The pure helpers: money, images, links, props, SKUs. */
const fs = require('fs')
const path = require('path')
const {yuan, priceText, imageUrl, absoluteUrl, color, themeStyle, ratioPercent} = require('../utils/format')
const links = require('../utils/links')
const {withDefaults, listOf} = require('../utils/props')
const {findSku, specOptions, maxQty} = require('../utils/sku')
const {iconSrc, ICONS} = require('../utils/icons')
const {fixture, installWx} = require('./helpers/wx')

beforeEach(() => installWx(null))

describe('money', () => {
  test.each([
    [1990, '¥19.90'], [0, '¥0.00'], [5, '¥0.05'], [100, '¥1.00'], [123456789, '¥1234567.89'], [-250, '-¥2.50'],
  ])('%i fen is %s', (fen, text) => {
    expect(yuan(fen)).toBe(text)
  })

  test('anything that is not a number shows nothing', () => {
    expect([undefined, null, '1990', NaN, Infinity].map(yuan)).toEqual(['', '', '', '', ''])
  })

  test('a price range says "起"', () => {
    expect(priceText(1990, 2990)).toBe('¥19.90 起')
    expect(priceText(1990, 1990)).toBe('¥19.90')
    expect(priceText(1990)).toBe('¥19.90')
  })
})

describe('images', () => {
  const image = {url: '/media/1/ab/x.png', media_id: 4, width: 1500, height: 1000,
    sizes: {150: '/media/1/ab/x-150.webp', 300: '/media/1/ab/x-300.webp', 750: '/media/1/ab/x-750.webp'}}

  test('the smallest size at least as wide as the physical pixels (375 pt screen, 2x)', () => {
    expect(imageUrl(image, 88)).toBe('http://127.0.0.1:5000/media/1/ab/x-150.webp') // 88 px
    expect(imageUrl(image, 160)).toBe('http://127.0.0.1:5000/media/1/ab/x-300.webp') // 160 px
    expect(imageUrl(image, 702)).toBe('http://127.0.0.1:5000/media/1/ab/x-750.webp') // 702 px
    expect(imageUrl(Object.assign({}, image, {sizes: {150: 'a'}}), 702)).toBe('http://127.0.0.1:5000/media/1/ab/x.png')
  })

  test('a deleted image (url null), a missing one or garbage shows nothing', () => {
    expect(imageUrl(Object.assign({}, image, {url: null}), 300)).toBe('')
    expect([null, undefined, 'x', 3, {}].map(v => imageUrl(v, 300))).toEqual(['', '', '', '', ''])
  })

  test('absolute URLs stay, server paths get the base URL', () => {
    expect(absoluteUrl('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png')
    expect(absoluteUrl('/media/a.png', 'https://shop.example.com/')).toBe('https://shop.example.com/media/a.png')
    expect(absoluteUrl('')).toBe('')
  })
})

test('colours, theme tokens and ratios', () => {
  expect(color('#fff')).toBe('#fff')
  expect(color('#ee0a24cc')).toBe('#ee0a24cc')
  expect(color('', '#000')).toBe('#000')
  expect(color('red; background: url(x)', '#000')).toBe('#000')
  const tokens = fixture('layout-home').body.theme.tokens
  expect(themeStyle(tokens)).toContain(`--color-primary: ${tokens.color_primary}`)
  expect(themeStyle({color_primary: 'expression(x)', radius: 'x'})).toBe('')
  expect(ratioPercent('2:1', 0)).toBe(50)
  expect(ratioPercent('16:9', 0)).toBe(56.25)
  expect(ratioPercent('nonsense', 42)).toBe(42)
})

describe('links', () => {
  test.each([
    [{kind: 'page', slug: 'home'}, {action: 'switchTab', url: '/pages/index/index'}],
    [{kind: 'page', slug: 'user'}, {action: 'switchTab', url: '/pages/user/index'}],
    [{kind: 'page', slug: 'spring-sale'}, {action: 'navigateTo', url: '/pages/page/index?slug=spring-sale'}],
    [{kind: 'product', product_id: 12}, {action: 'navigateTo', url: '/pages/product/index?id=12'}],
    [{kind: 'group', group_id: 3}, {action: 'navigateTo', url: '/pages/page/index?slug=category&group=3'}],
    [{kind: 'url', url: 'https://a.example/x?y=1'}, {action: 'navigateTo', url: `/pages/webview/index?url=${encodeURIComponent('https://a.example/x?y=1')}`}],
    [{kind: 'miniprogram', path: 'pages/orders/index?status=paid'}, {action: 'navigateTo', url: '/pages/orders/index?status=paid'}],
    [{kind: 'miniprogram', path: '/pages/cart/index'}, {action: 'switchTab', url: '/pages/cart/index'}],
    [{kind: 'miniprogram', path: '/pages/x/y', app_id: 'wx0123456789abcdef'}, {action: 'miniProgram', appId: 'wx0123456789abcdef', path: '/pages/x/y'}],
  ])('%j', (link, target) => {
    expect(links.target(link)).toEqual(target)
  })

  test('null, unknown kinds and malformed links go nowhere', () => {
    const dead = [null, undefined, 'x', {kind: 'coupon', id: 1}, {kind: 'product', product_id: -1},
      {kind: 'product', product_id: '3'}, {kind: 'url', url: 'javascript:alert(1)'}, {kind: 'page'}]
    dead.forEach(link => expect(links.target(link)).toBeNull())
    expect(links.navigate(null)).toBeNull()
    expect(wx.navigateTo).not.toHaveBeenCalled()
  })

  test('a full page stack redirects instead of pushing', () => {
    global.getCurrentPages = () => new Array(10).fill({})
    try {
      links.navigate({kind: 'product', product_id: 1})
      expect(wx.redirectTo).toHaveBeenCalledWith({url: '/pages/product/index?id=1'})
      expect(wx.navigateTo).not.toHaveBeenCalled()
    } finally {
      delete global.getCurrentPages
    }
  })

  test('a mini-program link with an app id opens that mini-program', () => {
    links.navigate({kind: 'miniprogram', path: '/pages/x/y', app_id: 'wx0123456789abcdef'})
    expect(wx.navigateToMiniProgram).toHaveBeenCalledWith({appId: 'wx0123456789abcdef', path: '/pages/x/y'})
  })
})

test('props: every default present, mistyped values replaced', () => {
  const defaults = {title: 't', size: 2, on: true, list: [], link: null}
  expect(withDefaults({title: 5, size: '2', on: 'yes', list: {}, link: {kind: 'page', slug: 'x'}}, defaults))
    .toEqual({title: 't', size: 2, on: true, list: [], link: {kind: 'page', slug: 'x'}})
  expect(withDefaults(null, defaults)).toEqual(defaults)
  expect(listOf([null, 3, {title: 'a'}], {title: '', x: 1})).toEqual([{title: 'a', x: 1}])
  expect(listOf('x', {})).toEqual([])
})

describe('SKUs (the captured product)', () => {
  const product = fixture('product').body

  test('a SKU is found once every spec has a value', () => {
    const sku = product.skus[1]
    expect(findSku(product, sku.spec_values)).toEqual(sku)
    expect(findSku(product, [])).toBeNull()
    expect(findSku(product, product.specs.map(() => 'nope'))).toBeNull()
  })

  test('values without stock cannot be picked; quantities stop at the stock', () => {
    const soldOut = JSON.parse(JSON.stringify(product))
    soldOut.skus[0].stock = 0
    const options = specOptions(soldOut, [])
    expect(options[0].values[0]).toEqual({value: soldOut.skus[0].spec_values[0], chosen: false, disabled: true})
    expect(maxQty(product, product.skus[0])).toBe(Math.min(999, product.skus[0].stock))
    expect(maxQty(Object.assign({}, product, {limit_per_order: 2}), product.skus[1])).toBe(2)
  })

  test('a product without specs has its only SKU chosen', () => {
    const single = {specs: [], skus: [{id: 9, spec_values: [], stock: 3}]}
    expect(findSku(single, [])).toEqual(single.skus[0])
  })
})

test('every built-in icon of the icon-nav block and the tab bar has a drawing', () => {
  const read = rel => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', rel), 'utf8'))
  const nav = read('blocks/icon-nav/block.json').settings.properties.entries.items.properties.icon.enum
  const bar = read('schemas/navigation.schema.json').properties.items.items.properties.icon.enum
  const names = [...new Set([...nav, ...bar])]
  expect(ICONS.slice().sort()).toEqual(names.slice().sort())
  names.forEach(name => expect(iconSrc(name)).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/))
  expect(iconSrc('no-such-icon')).toBe('')
})
