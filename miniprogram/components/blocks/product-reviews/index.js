/**
 * product-reviews: the product's rating (average, good-review rate, count) and its latest
 * shown reviews from the layout's data; "查看更多" pages through GET products/<id>/reviews
 * (no login needed). Photos open in wx.previewImage. Names of anonymous reviewers arrive
 * masked from the server; WXML text nodes never interpret markup.
 */
const block = require('../../../utils/block')
const {withDefaults, listOf, isObject} = require('../../../utils/props')
const {absoluteUrl} = require('../../../utils/format')
const api = require('../../../utils/api')

const DEFAULTS = {title: '商品评价', count: 3, show_rating: true, show_images: true,
  empty_text: '暂无评价'}
const PER_PAGE = 10
const REVIEW = {id: 0, stars: 5, content: '', nickname: '', avatar_url: '', spec_text: '', images: [],
  pinned: false, reply: '', followup: null}

/** One review (already through its defaults) as template data: stars as text, photo URLs
 * made absolute. */
function reviewView(item) {
  const stars = Math.max(1, Math.min(5, Math.round(item.stars) || 5))
  return {
    id: item.id,
    nickname: item.nickname,
    avatar: absoluteUrl(item.avatar_url),
    stars: '★'.repeat(stars) + '☆'.repeat(5 - stars),
    content: item.content || '此用户没有填写评价内容',
    spec: item.spec_text,
    photos: listOf(item.images, {url: '', thumb: ''}).filter(p => p.url)
      .map(p => ({thumb: absoluteUrl(p.thumb || p.url), url: absoluteUrl(p.url)})),
    pinned: item.pinned,
    reply: item.reply,
    followup: isObject(item.followup) && typeof item.followup.content === 'string' ? item.followup.content : '',
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, productId: null, rating: null, items: [], page: 1, more: false, busy: false},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const rating = isObject(data.rating) && Number(data.rating.count) > 0 ? data.rating : null
      const items = listOf(data.items, REVIEW).slice(0, p.count).map(reviewView)
      return {
        p,
        productId: typeof data.product_id === 'number' ? data.product_id : null,
        rating,
        items,
        page: 0,
        more: Boolean(rating) && rating.count > items.length,
      }
    },
    onMore() {
      if (this.data.busy || !this.data.productId) return Promise.resolve(null)
      const page = this.data.page + 1
      this.setData({busy: true})
      const path = `/products/${this.data.productId}/reviews${api.query({page, per_page: PER_PAGE})}`
      return api.get(path, {auth: false}).then(body => {
        const fresh = listOf(body.items, REVIEW).map(reviewView)
        const shown = page === 1 ? fresh : this.data.items.concat(fresh)
        this.setData({items: shown, page, more: shown.length < (Number(body.total) || 0)})
      }, api.showError).then(() => this.setData({busy: false}))
    },
    onPhoto(event) {
      const {review, index} = event.currentTarget.dataset
      const item = this.data.items.find(x => x.id === review)
      if (!item) return
      wx.previewImage({urls: item.photos.map(x => x.url), current: item.photos[index].url})
    },
  },
})
