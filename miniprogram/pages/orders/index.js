// My orders by status tab (GET orders?status=..., counts on the tabs), paged by cursor.
const api = require('../../utils/api')
const {TABS, orderCard} = require('../../utils/orders')

Component({
  data: {tabs: TABS, status: 'all', counts: {}, orders: [], cursor: null, loading: false, loaded: false},
  methods: {
    onLoad(options) {
      const status = options && TABS.some(t => t.key === options.status) ? options.status : 'all'
      this.setData({status})
    },
    onShow() {
      return this.refresh()
    },
    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },
    refresh() {
      api.get('/orders/counts').then(counts => this.setData({counts}), () => null)
      return this.fetch(null)
    },
    fetch(cursor) {
      this.setData({loading: true})
      const query = api.query({status: this.data.status, cursor})
      return api.get(`/orders${query}`).then(page => {
        const cards = (page.items || []).map(orderCard)
        this.setData({
          orders: cursor ? this.data.orders.concat(cards) : cards,
          cursor: page.next_cursor || null,
          loading: false,
          loaded: true,
        })
      }, err => {
        this.setData({loading: false, loaded: true})
        api.showError(err)
      })
    },
    onTab(event) {
      this.setData({status: event.currentTarget.dataset.key, orders: [], cursor: null})
      return this.fetch(null)
    },
    onReachBottom() {
      return this.data.cursor && !this.data.loading ? this.fetch(this.data.cursor) : Promise.resolve(null)
    },
    onOpen(event) {
      wx.navigateTo({url: `/pages/order/index?id=${event.currentTarget.dataset.id}`})
    },
  },
})
