/**
 * The custom tab bar against what a real server sent: the layout's navigation section (kept
 * from the last layout) drawn with its colours and icons, the current tab marked, the cart
 * badge from GET /cart/count (and from cart answers), taps going where the links say.
 */
const {fixture, replay, installWx} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')

const home = fixture('layout-home').body
const counted = fixture('cart-count').body.count

function bar() {
  return render('custom-tab-bar/index')
}

beforeEach(() => {
  installWx(replay('login', 'cart-count', 'layout-home'))
})

test('without a layout yet it draws the built-in bar', () => {
  const view = bar()
  expect(view.querySelectorAll('.tabbar__item').map(text)).toEqual(['首页', '购物车', '我的'])
})

test('draws the navigation the layout sent, marks the current tab and shows the cart count', async () => {
  const view = bar()
  require('../utils/navigation').remember(home.navigation)
  expect(view.querySelectorAll('.tabbar__text').map(text)).toEqual(home.navigation.items.map(i => i.text))
  await view.instance.show('/pages/cart/index')
  const items = view.querySelectorAll('.tabbar__item')
  const cartIndex = home.navigation.items.findIndex(i => i.badge === 'cart')
  expect(text(items[cartIndex])).toContain(String(counted))
  expect(items[cartIndex].dom.className).toContain('is-current')
  expect(items[0].dom.className).not.toContain('is-current')
  expect(items[cartIndex].dom.getAttribute('style')).toContain('#ee0a24') // the theme's red, no colour set
  expect(items[0].dom.getAttribute('style')).toContain(home.navigation.color)
  expect(view.querySelectorAll('.tabbar__badge').length).toBe(1)
})

test('the badge follows the cart at once, and disappears when it is empty', async () => {
  const view = bar()
  const navigation = require('../utils/navigation')
  navigation.remember(home.navigation)
  await view.instance.show('/pages/index/index')
  navigation.setCartCount(120)
  expect(text(view.querySelector('.tabbar__badge'))).toBe('99+')
  navigation.setCartCount(0)
  expect(view.querySelectorAll('.tabbar__badge').length).toBe(0)
})

test('taps switch tabs or open the linked page; the current tab does nothing', async () => {
  const view = bar()
  require('../utils/navigation').remember(home.navigation)
  await view.instance.show('/pages/index/index')
  const items = view.querySelectorAll('.tabbar__item')
  await tap(items[0])
  expect(wx.switchTab).not.toHaveBeenCalled()
  await tap(items[1])
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/page/index?slug=category'})
  await tap(items[2])
  expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/cart/index'})
})

test("an item's own images replace the icon, the selected one on its own tab", async () => {
  const view = bar()
  const own = {url: '/media/1/ab/icon.png', sizes: {}}
  const picked = {url: 'https://cdn.example.com/on.png', sizes: {}}
  require('../utils/navigation').remember({...home.navigation, items: [
    {...home.navigation.items[0], image: own, selected_image: picked},
    {...home.navigation.items[3], image: own, selected_image: picked}]})
  await view.instance.show('/pages/index/index')
  expect(view.querySelectorAll('.tabbar__icon').length).toBe(2)
  expect(view.data.items.map(i => i.icon)).toEqual(
    ['https://cdn.example.com/on.png', 'http://127.0.0.1:5000/media/1/ab/icon.png'])
})
