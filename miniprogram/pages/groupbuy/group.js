/**
 * 拼团详情 (pages/groupbuy/group?id=<group>), the page a shared group opens: the product and
 * price, the group's progress (the group-progress component: avatars, empty seats, the
 * countdown by the server's `now`), and what the shopper can do — a member of the open group invites friends
 * (onShareAppMessage: this page with the group id, the group's share card as the picture) or
 * leaves it (a full refund); anyone else joins (参团: the activity page picks the SKU and
 * goes to checkout with `group_id`), or opens a new group once this one is over.
 */
const api = require('../../utils/api')
const gb = require('../../utils/groupbuy')

Component({
  data: {group: null, view: null, mine: false, error: ''},
  methods: {
    onLoad(options) {
      this.groupId = Number(options && options.id)
      if (!(this.groupId > 0)) {
        this.setData({error: '拼团不存在'})
        return Promise.resolve(null)
      }
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    load() {
      return api.get(`/groupbuy/groups/${this.groupId}`).then(g => this.show(g),
        err => this.setData({error: err.message}))
    },
    show(g) {
      const mine = Boolean(g.mine && g.mine.status === 'grouping')
      this.setData({group: g, view: gb.activityView(g.activity), mine})
      return g
    },
    onJoin() {
      const g = this.data.group
      if (!g || g.status !== 'open' || this.data.mine) return
      wx.navigateTo({url: `${gb.activityPath(g.activity_id)}&group=${g.id}`})
    },
    onOpenNew() {
      const g = this.data.group
      if (g) wx.navigateTo({url: gb.activityPath(g.activity_id)})
    },
    onLeave() {
      if (!this.data.mine) return Promise.resolve(null)
      return new Promise(resolve => {
        wx.showModal({title: '退出拼团后订单将全额退款，确定退出吗？', success: res => resolve(res && res.confirm),
          fail: () => resolve(false)})
      }).then(ok => (ok ? api.post(`/groupbuy/groups/${this.groupId}/leave`).then(g => {
        wx.showToast({title: '已退出，退款处理中', icon: 'none'})
        return this.show(g)
      }, api.showError) : null))
    },
    onShareAppMessage() {
      const g = this.data.group
      const v = this.data.view
      return {
        title: g && v ? `还差 ${g.seats_left} 人，${v.group} 拼 ${v.title}` : '快来和我一起拼团',
        path: g ? g.share_path : gb.groupPath(this.groupId),
        imageUrl: api.apiUrl(`/groupbuy/groups/${this.groupId}/share-card`),
      }
    },
  },
})
