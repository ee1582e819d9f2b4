// Product search (GET products?keyword=...), paged by the server's cursor.
const api = require('../../utils/api')

Component({
  data: {keyword: '', products: [], cursor: null, searched: false, loading: false},
  methods: {
    onLoad(options) {
      const keyword = options && options.keyword ? decodeURIComponent(options.keyword) : ''
      this.setData({keyword})
      return keyword ? this.search() : Promise.resolve(null)
    },
    onInput(event) {
      this.setData({keyword: event.detail.value})
    },
    search() {
      const keyword = this.data.keyword.trim()
      if (!keyword) return Promise.resolve(null)
      this.setData({loading: true})
      return api.get(`/products${api.query({keyword, limit: 20})}`, {auth: false}).then(page => {
        this.setData({products: page.items || [], cursor: page.next_cursor || null, searched: true, loading: false})
      }, err => {
        this.setData({loading: false})
        api.showError(err)
      })
    },
    onReachBottom() {
      const {cursor, keyword, loading} = this.data
      if (!cursor || loading) return Promise.resolve(null)
      this.setData({loading: true})
      return api.get(`/products${api.query({keyword: keyword.trim(), limit: 20, cursor})}`, {auth: false}).then(page => {
        this.setData({products: this.data.products.concat(page.items || []), cursor: page.next_cursor || null, loading: false})
      }, err => {
        this.setData({loading: false})
        api.showError(err)
      })
    },
  },
})
