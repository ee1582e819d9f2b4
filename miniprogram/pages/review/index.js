/**
 * 评价 (pages/review/index?order_id=<id>): the completed order's lines still to review (or all
 * of mine without order_id), each with stars, text, up to 9 photos (wx.chooseMedia, then
 * wx.uploadFile to reviews/photos) and 匿名; below, my reviews with the one follow-up (追评).
 */
const api = require('../../utils/api')
const {absoluteUrl} = require('../../utils/format')

const MAX_PHOTOS = 9
const STARS = [1, 2, 3, 4, 5]

function lineForm(line) {
  return {order_id: line.order_id, line_id: line.line_id, title: line.title, spec: line.spec_text,
    image: absoluteUrl(line.image), stars: 5, content: '', photos: [], anonymous: false, busy: false}
}

function mineView(review) {
  return {id: review.id, title: review.spec_text, stars: '★'.repeat(review.stars) + '☆'.repeat(5 - review.stars),
    content: review.content, status: review.status === 'pending' ? '审核中' : '',
    followup: review.followup ? review.followup.content : '', canFollowUp: review.can_follow_up === true,
    draft: ''}
}

Component({
  data: {forms: [], mine: [], stars: STARS, loaded: false, error: ''},
  methods: {
    onLoad(options) {
      this.orderId = Number(options && options.order_id) || null
      return this.load()
    },
    load() {
      return api.get('/reviews').then(data => {
        const lines = (data.to_review || []).filter(l => !this.orderId || l.order_id === this.orderId)
        this.setData({forms: lines.map(lineForm), mine: (data.items || []).map(mineView), loaded: true})
      }, err => {
        this.setData({error: err.message, loaded: true})
        api.showError(err)
      })
    },
    onStar(event) {
      const {index, stars} = event.currentTarget.dataset
      this.setData({[`forms[${index}].stars`]: Number(stars)})
    },
    onContent(event) {
      this.setData({[`forms[${event.currentTarget.dataset.index}].content`]: event.detail.value})
    },
    onAnonymous(event) {
      this.setData({[`forms[${event.currentTarget.dataset.index}].anonymous`]: !!event.detail.value})
    },
    onAddPhoto(event) {
      const index = event.currentTarget.dataset.index
      const left = MAX_PHOTOS - this.data.forms[index].photos.length
      if (left <= 0) return Promise.resolve(null)
      return new Promise(resolve => {
        wx.chooseMedia({count: left, mediaType: ['image'], sourceType: ['album', 'camera'],
          success: res => resolve((res.tempFiles || []).map(f => f.tempFilePath)), fail: () => resolve([])})
      }).then(paths => paths.reduce((chain, path) => chain.then(() => api.upload('/reviews/photos', path, 'file')
        .then(photo => {
          const photos = this.data.forms[index].photos.concat([{media_id: photo.media_id, url: absoluteUrl(photo.url)}])
          this.setData({[`forms[${index}].photos`]: photos.slice(0, MAX_PHOTOS)})
        })), Promise.resolve()).catch(api.showError))
    },
    onRemovePhoto(event) {
      const {index, photo} = event.currentTarget.dataset
      const photos = this.data.forms[index].photos.filter((_, i) => i !== Number(photo))
      this.setData({[`forms[${index}].photos`]: photos})
    },
    onSubmit(event) {
      const index = event.currentTarget.dataset.index
      const form = this.data.forms[index]
      if (form.busy) return Promise.resolve(null)
      this.setData({[`forms[${index}].busy`]: true})
      return api.post('/reviews', {order_id: form.order_id, line_id: form.line_id, stars: form.stars,
        content: form.content, images: form.photos.map(p => ({media_id: p.media_id})), anonymous: form.anonymous})
        .then(() => {
          wx.showToast({title: '评价成功', icon: 'success'})
          return this.load()
        }, err => {
          this.setData({[`forms[${index}].busy`]: false})
          api.showError(err)
        })
    },
    onFollowInput(event) {
      this.setData({[`mine[${event.currentTarget.dataset.index}].draft`]: event.detail.value})
    },
    onFollowUp(event) {
      const review = this.data.mine[event.currentTarget.dataset.index]
      if (!review.draft.trim()) return Promise.resolve(null)
      return api.post(`/reviews/${review.id}/follow-up`, {content: review.draft}).then(() => {
        wx.showToast({title: '追评成功', icon: 'success'})
        return this.load()
      }, api.showError)
    },
  },
})
