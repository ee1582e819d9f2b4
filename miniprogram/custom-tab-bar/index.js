// The custom tab bar: the shop's navigation (utils/navigation.js) with built-in icons or the
// merchant's images, its colours, and the cart badge. Tab pages call `show()` on show.
const navigation = require('../utils/navigation')
const {navigate} = require('../utils/links')
const {iconSrc} = require('../utils/icons')
const {color, imageUrl} = require('../utils/format')

const FALLBACK = {color: '#646566', selected_color: '', background: '#ffffff', items: [
  {text: '首页', icon: 'home', link: {kind: 'page', slug: 'home'}, badge: 'none'},
  {text: '购物车', icon: 'cart', link: {kind: 'page', slug: 'cart'}, badge: 'cart'},
  {text: '我的', icon: 'user', link: {kind: 'page', slug: 'user'}, badge: 'none'},
]}

function image(ref) {
  return imageUrl(ref, 46)
}

Component({
  data: {items: [], background: '#ffffff', path: ''},
  lifetimes: {
    attached() {
      this.unsubscribe = navigation.subscribe(() => this.paint())
      this.paint()
    },
    detached() {
      if (this.unsubscribe) this.unsubscribe()
    },
  },
  methods: {
    /** The tab page at `path` ('/pages/cart/index') is showing. */
    show(path) {
      this.setData({path})
      this.paint()
      return navigation.refreshCartCount()
    },
    paint() {
      const bar = navigation.current() || FALLBACK
      const normal = color(bar.color, '#646566')
      const selected = color(bar.selected_color, '#ee0a24')
      const count = navigation.cartCount()
      const items = bar.items.filter(item => item && typeof item === 'object').slice(0, 5).map((item, i) => {
        const current = Boolean(this.data.path) && navigation.tabPath(item) === this.data.path
        const tint = current ? selected : normal
        const own = image(current && item.selected_image ? item.selected_image : item.image)
        return {key: String(i), text: String(item.text || ''), current, tint,
          icon: own || iconSrc(item.icon, tint) || iconSrc('home', tint),
          badge: item.badge === 'cart' && count > 0 ? (count > 99 ? '99+' : String(count)) : ''}
      })
      this.setData({items, background: color(bar.background, '#ffffff')})
    },
    onTap(event) {
      const bar = navigation.current() || FALLBACK
      const item = bar.items[Number(event.currentTarget.dataset.index)]
      if (item && navigation.tabPath(item) !== this.data.path) navigate(item.link)
    },
  },
})
