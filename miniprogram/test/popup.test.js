/**
 * The page's popup ad in the mini-program: the frequency rules against a given clock, the
 * page-popup component remembering what it showed in wx storage, and the renderer taking the
 * popup, background image and share settings from the layout's page section.
 */
const {installWx} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')
const {due} = require('../utils/popup')
const {build, splitAt} = require('../utils/layout')

const at = (y, m, d, h, min) => new Date(y, m - 1, d, h, min).getTime()
const POPUP = {key: 'home:abc123', src: 'https://cdn.example.com/a.png',
  link: {kind: 'page', slug: 'user'}, frequency: 'daily'}

beforeEach(() => {
  installWx(null)
})

afterEach(() => {
  jest.restoreAllMocks()
})

test.each([
  ['always', at(2026, 12, 7, 9, 0), at(2026, 12, 7, 9, 1), true],
  ['once', null, at(2026, 12, 7, 9, 0), true],
  ['once', at(2026, 12, 7, 9, 0), at(2027, 3, 1, 9, 0), false],
  ['daily', null, at(2026, 12, 7, 9, 0), true],
  ['daily', at(2026, 12, 7, 0, 1), at(2026, 12, 7, 23, 59), false],
  ['daily', at(2026, 12, 7, 23, 59), at(2026, 12, 8, 0, 1), true],
  ['daily', at(2026, 12, 31, 12, 0), at(2027, 12, 31, 12, 0), true],
])('%s, last shown %p, now %p: due %p', (frequency, last, now, expected) => {
  expect(due(frequency, last, now)).toBe(expected)
})

function popup(props) {
  return render('components/page-popup/index', {popup: props})
}

test('a daily popup shows once per day on this device, then again the next day', async () => {
  const now = jest.spyOn(Date, 'now').mockReturnValue(at(2026, 12, 7, 9, 0))
  const first = popup(POPUP)
  expect(first.querySelector('.popup')).toBeTruthy()
  await tap(first.querySelector('.popup__close'))
  expect(first.querySelector('.popup')).toBeFalsy()
  now.mockReturnValue(at(2026, 12, 7, 21, 0))
  expect(popup(POPUP).querySelector('.popup')).toBeFalsy()
  now.mockReturnValue(at(2026, 12, 8, 8, 0))
  expect(popup(POPUP).querySelector('.popup')).toBeTruthy()
})

test('"once" never comes back, but a new popup (new key) shows; tapping follows its link', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(at(2026, 12, 7, 9, 0))
  const once = {...POPUP, frequency: 'once'}
  expect(popup(once).querySelector('.popup')).toBeTruthy()
  expect(popup(once).querySelector('.popup')).toBeFalsy()
  const next = popup({...once, key: 'home:def456'})
  await tap(next.querySelector('.popup__image'))
  expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/user/index'})
  expect(next.querySelector('.popup')).toBeFalsy()
})

test('the renderer takes the popup and the background image from the page section', () => {
  const layout = {protocol: 1, theme: {tokens: {}}, nodes: [
    {id: 'b', type: 'product-buybox', v: 1, props: {}, data: null, children: []},
    {id: 't', type: 'title', v: 2, props: {title: 'T'}, data: null, children: []}],
  page: {slug: 'home', background: '#fff0f0', background_image: {url: 'https://cdn.example.com/bg.png', sizes: {}},
    popup: {key: 'abc', image: {url: 'https://cdn.example.com/a.png', sizes: {}}, link: null, frequency: 'weekly'}}}
  const built = build(layout)
  expect(built.rootStyle).toContain('background-color: #fff0f0')
  expect(built.rootStyle).toContain('background-image: url("https://cdn.example.com/bg.png")')
  expect(built.popup).toEqual({key: 'home:abc', src: 'https://cdn.example.com/a.png', link: null, frequency: 'daily'})
  const {before, after} = splitAt({...layout, nodes: [layout.nodes[1], layout.nodes[0], layout.nodes[1]]}, 'product-buybox')
  expect(build(before).popup).toBeNull() // the product page shows the popup once, below
  expect(build(after).popup).not.toBeNull()
  expect(build({...layout, page: {popup: {key: 'x', image: null}}}).popup).toBeNull()
})

test('a renderer draws the popup over the layout', () => {
  jest.spyOn(Date, 'now').mockReturnValue(at(2026, 12, 7, 9, 0))
  const view = render('components/layout-renderer/index', {layout: {protocol: 1, theme: {}, nodes: [],
    page: {slug: 'home', popup: {key: 'k1', image: {url: 'https://cdn.example.com/a.png', sizes: {}}, link: null, frequency: 'always'}}}})
  const shown = view.querySelector('#page-popup')
  expect(shown.querySelector('.popup')).toBeTruthy()
  expect(text(shown)).toContain('×')
})

test("a shared page shows the page's share title and image, else its title", () => {
  const view = render('pages/index/index')
  view.instance.setData({layout: {protocol: 1, theme: {}, nodes: [], page: {title: '首页',
    share: {title: '好物分享', image: {url: 'https://cdn.example.com/s.png', sizes: {}}}}}})
  expect(view.instance.onShareAppMessage()).toEqual({title: '好物分享', path: '/pages/index/index',
    imageUrl: 'https://cdn.example.com/s.png'})
  view.instance.setData({layout: {protocol: 1, theme: {}, nodes: [], page: {title: '首页', share: {title: '', image: null}}}})
  expect(view.instance.onShareAppMessage()).toEqual({title: '首页', path: '/pages/index/index'})
})
