/**
 * The product page: the product (GET products/<id>) with images, price, specs and the SKU
 * picker (add to cart / buy now), its description, and around it the shop's `product` layout
 * for this product (layouts/product?id=<id>): the blocks placed above the product-buybox
 * block show above, the rest below. `buy=1` opens the picker at once. While the shop has
 * seckill on (the buy-box node's `offers`) and a SKU of the product is in a running window,
 * or one opening later today, the seckill price, countdown and 马上抢 to the seckill page
 * show from GET seckill/live; while it has group buy on and the product is in a live group
 * buy, the N人团 badge, group and leader price and the open groups lead to the group-buy page.
 */
const api = require('../../utils/api')
const navigation = require('../../utils/navigation')
const layoutPage = require('../../utils/layout-page')
const {splitAt} = require('../../utils/layout')
const {absoluteUrl, priceText, yuan} = require('../../utils/format')
const {findSku, specOptions, maxQty} = require('../../utils/sku')
const referral = require('../../utils/referral')
const countdown = require('../../utils/countdown')
const {pickOffer, offerView} = require('../../utils/seckill-offer')
const gb = require('../../utils/groupbuy')

function imageSrc(value) {
  if (typeof value === 'string') return absoluteUrl(value)
  return value && typeof value === 'object' && value.url ? absoluteUrl(value.url) : ''
}

Component({
  behaviors: [layoutPage],
  data: {
    layoutBefore: null, layoutAfter: null,
    product: null, error: '', images: [], price: '', original: '', description: '',
    chosen: [], chosenText: '', specs: [], sku: null, qty: 1, maxQty: 0, picker: false, pickerMode: 'cart', busy: false,
    seckill: null, groupbuy: null,
  },
  lifetimes: {
    detached() {
      clearInterval(this.seckillTimer)
    },
  },
  observers: {
    // The merchant's blocks go around the fixed buy box (the product-buybox node).
    layout(layout) {
      const {before, after} = splitAt(layout, 'product-buybox')
      this.setData({layoutBefore: before, layoutAfter: after})
      const buybox = layout && Array.isArray(layout.nodes) ? layout.nodes.find(n => n && n.type === 'product-buybox') : null
      const offers = buybox && buybox.data && Array.isArray(buybox.data.offers) ? buybox.data.offers : []
      if (offers.indexOf('seckill') >= 0 && !this.seckillLoading) this.seckillLoading = this.loadSeckill()
      if (offers.indexOf('groupbuy') >= 0 && !this.groupbuyLoading) this.groupbuyLoading = this.loadGroupbuy()
    },
  },
  methods: {
    onLoad(options) {
      this.layoutSetsTitle = false
      const id = Number(options && options.id)
      if (!(id > 0)) {
        this.setData({error: '商品不存在'})
        return Promise.resolve(null)
      }
      this.productId = id
      const product = api.get(`/products/${id}`, {auth: false}).then(p => {
        this.showProduct(p)
        if (options.buy) this.openPicker('cart')
      }, err => this.setData({error: err.message}))
      const layout = this.loadLayout('product', {id}).then(res => Promise.all([this.seckillLoading, this.groupbuyLoading]).then(() => res))
      return Promise.all([product, layout])
    },
    loadSeckill() {
      return api.get('/seckill/live', {auth: false}).then(live => {
        const found = pickOffer(live, this.productId)
        if (!found) return null
        const offset = countdown.offset(live.now, Date.now())
        const show = () => this.setData({seckill: offerView(found, Date.now() + offset)})
        show()
        clearInterval(this.seckillTimer)
        this.seckillTimer = setInterval(show, 1000)
        return found
      }, () => null) // seckill off or unreachable: the page sells as usual
    },
    loadGroupbuy() {
      return api.get(`/groupbuy/activities?product_id=${this.productId}`, {auth: false}).then(body => {
        const a = (body.items || [])[0]
        if (!a) return null
        const view = gb.activityView(a)
        this.setData({groupbuy: {badge: view.badge, group: view.group, leader: view.leader,
          open: (a.open_groups || []).length, url: gb.activityPath(a.id)}})
        return a
      }, () => null) // group buy off or unreachable: the page sells as usual
    },
    goGroupbuy() {
      if (this.data.groupbuy) wx.navigateTo({url: this.data.groupbuy.url})
    },
    goSeckill() {
      if (this.data.seckill) wx.navigateTo({url: this.data.seckill.url})
    },
    showProduct(p) {
      const chosen = (p.specs || []).map(spec => (spec.values && spec.values.length === 1 ? spec.values[0] : ''))
      wx.setNavigationBarTitle({title: p.title})
      this.setData({
        product: p,
        images: (p.images || []).map(imageSrc).filter(Boolean),
        description: (p.description_html || '').replace(/(<img\b[^>]*\ssrc=")(\/[^"]*)"/g,
          (all, head, src) => `${head}${absoluteUrl(src)}"`),
        chosen,
      })
      this.pick(chosen)
    },
    pick(chosen) {
      const p = this.data.product
      const sku = findSku(p, chosen)
      const max = maxQty(p, sku)
      this.setData({
        chosen,
        sku,
        specs: specOptions(p, chosen),
        price: sku ? yuan(sku.price_fen) : priceText(p.price_fen, p.max_price_fen),
        original: (sku ? sku.original_price_fen > sku.price_fen : p.original_price_fen > p.price_fen)
          ? yuan(sku ? sku.original_price_fen : p.original_price_fen) : '',
        chosenText: sku && sku.spec_values ? sku.spec_values.join(' / ') : `请选择 ${(p.specs || []).length} 项规格`,
        maxQty: max,
        qty: Math.max(1, Math.min(this.data.qty, max || 1)),
      })
    },
    onSpec(event) {
      const {spec, value, disabled} = event.currentTarget.dataset
      if (disabled) return
      const chosen = this.data.chosen.slice()
      chosen[spec] = chosen[spec] === value ? '' : value
      this.pick(chosen)
    },
    onQty(event) {
      const qty = this.data.qty + Number(event.currentTarget.dataset.step)
      if (qty >= 1 && qty <= this.data.maxQty) this.setData({qty})
    },
    openPicker(mode) {
      this.setData({picker: true, pickerMode: typeof mode === 'string' ? mode : mode.currentTarget.dataset.mode})
    },
    closePicker() {
      this.setData({picker: false})
    },
    onConfirm() {
      const {sku, qty, pickerMode} = this.data
      if (!sku) {
        wx.showToast({title: '请选择规格', icon: 'none'})
        return Promise.resolve(null)
      }
      if (pickerMode === 'buy') {
        wx.navigateTo({url: `/pages/checkout/index?sku=${sku.id}&qty=${qty}`})
        this.setData({picker: false})
        return Promise.resolve(null)
      }
      this.setData({busy: true})
      return api.post('/cart/items', {sku_id: sku.id, qty}).then(cart => {
        navigation.setCartCount(cart.count)
        this.setData({picker: false, busy: false})
        wx.showToast({title: '已加入购物车', icon: 'success'})
        return cart
      }, err => {
        this.setData({busy: false})
        api.showError(err)
      })
    },
    onPreview(event) {
      wx.previewImage({urls: this.data.images, current: event.currentTarget.dataset.src})
    },
    goCart() {
      wx.switchTab({url: '/pages/cart/index'})
    },
    onShareAppMessage() {
      const p = this.data.product
      return {title: p ? p.title : '', path: referral.withFrom(`/pages/product/index?id=${this.productId}`)}
    },
  },
})
