/**
 * The bargain activity page (`?id=<activity>`): the product, its floor and start price, the
 * cuts it takes, the rules, and 发起砍价 (POST /bargain/launches), which opens the launch page
 * (the shopper's open launch of it when they have one).
 */
const api = require('../../utils/api')
const {yuan, absoluteUrl} = require('../../utils/format')

Component({
  data: {a: null, error: '', busy: false},
  methods: {
    onLoad(options) {
      this.activityId = Number(options && options.id)
      if (!(this.activityId > 0)) {
        this.setData({error: '活动不存在'})
        return Promise.resolve(null)
      }
      return api.get(`/bargain/activities/${this.activityId}`, {auth: false}).then(a => {
        wx.setNavigationBarTitle({title: a.title})
        this.setData({a: Object.assign({}, a, {
          floor: yuan(a.floor_price_fen), was: yuan(a.start_price_fen),
          cover: a.product ? absoluteUrl(a.product.cover) : '',
          name: a.product ? a.product.title : a.title,
          canLaunch: a.state === 'live' && a.stock > 0,
        })})
      }, err => this.setData({error: err.message}))
    },
    onLaunch() {
      if (this.data.busy || !this.data.a || !this.data.a.canLaunch) return Promise.resolve(null)
      this.setData({busy: true})
      return api.post('/bargain/launches', {activity_id: this.activityId})
        .then(launch => wx.navigateTo({url: `/pages/bargain/launch?id=${launch.id}`}),
          api.showError)
        .then(() => this.setData({busy: false}))
    },
  },
})
