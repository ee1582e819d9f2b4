/**
 * The cart tab (GET cart): select lines, change quantities, remove, accept a changed price,
 * clear what cannot be bought, then check out. Line issues come from the server and are shown
 * as it labels them; blocked lines cannot be selected.
 */
const api = require('../../utils/api')
const {yuan} = require('../../utils/format')
const {lineImage} = require('../../utils/orders')
const navigation = require('../../utils/navigation')

function lineView(line) {
  const issues = Array.isArray(line.issues) ? line.issues : []
  const priceChanged = issues.some(i => i.code === 'price_changed')
  return {
    id: line.id,
    productId: line.product_id,
    title: line.title,
    spec: line.spec_text || '',
    image: lineImage(line, 160),
    qty: line.qty,
    stock: line.stock,
    selected: line.selected === true,
    available: line.available !== false,
    price: yuan(line.unit_price_fen),
    total: yuan(line.line_total_fen),
    issues: issues.map(i => i.label || i.code).join('，'),
    priceChanged,
    oldPrice: priceChanged ? yuan(line.added_price_fen) : '',
  }
}

Component({
  data: {cart: null, lines: [], total: '', allSelected: false, hasUnavailable: false, loading: true, busy: false},
  methods: {
    onShow() {
      navigation.showTab(this, '/pages/cart/index')
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    load() {
      return api.get('/cart').then(cart => this.show(cart), err => {
        this.setData({loading: false})
        api.showError(err)
      })
    },
    show(cart) {
      const lines = (cart.lines || []).map(lineView)
      const selectable = lines.filter(l => l.available)
      this.setData({
        cart,
        lines,
        loading: false,
        total: yuan(cart.selected_total_fen || 0),
        allSelected: selectable.length > 0 && selectable.every(l => l.selected),
        hasUnavailable: lines.some(l => !l.available),
      })
      navigation.setCartCount(cart.count)
      return cart
    },
    change(promise) {
      this.setData({busy: true})
      return promise.then(cart => {
        this.setData({busy: false})
        return this.show(cart)
      }, err => {
        this.setData({busy: false})
        api.showError(err)
        return this.load()
      })
    },
    onToggle(event) {
      const line = this.data.lines[event.currentTarget.dataset.index]
      if (!line || !line.available) return Promise.resolve(null)
      return this.change(api.patch(`/cart/items/${line.id}`, {selected: !line.selected}))
    },
    onToggleAll() {
      return this.change(api.post('/cart/select', {selected: !this.data.allSelected}))
    },
    onQty(event) {
      const line = this.data.lines[event.currentTarget.dataset.index]
      const qty = line.qty + Number(event.currentTarget.dataset.step)
      if (qty < 1) return this.onRemove(event)
      return this.change(api.patch(`/cart/items/${line.id}`, {qty}))
    },
    onAcceptPrice(event) {
      const line = this.data.lines[event.currentTarget.dataset.index]
      return this.change(api.patch(`/cart/items/${line.id}`, {accept_price: true}))
    },
    onRemove(event) {
      const line = this.data.lines[event.currentTarget.dataset.index]
      return this.change(api.del(`/cart/items/${line.id}`))
    },
    onClearUnavailable() {
      return this.change(api.del('/cart/unavailable'))
    },
    onOpen(event) {
      wx.navigateTo({url: `/pages/product/index?id=${event.currentTarget.dataset.id}`})
    },
    onCheckout() {
      if (!this.data.cart || !this.data.cart.selected_count) {
        wx.showToast({title: '请选择要结算的商品', icon: 'none'})
        return
      }
      wx.navigateTo({url: '/pages/checkout/index'})
    },
  },
})
