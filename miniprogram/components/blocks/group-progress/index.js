/**
 * group-progress: a group's progress — status, members' avatars (团长 marked), empty seats and
 * the countdown by the server's clock. As a block it shows the shopper's open group from GET
 * /groupbuy/mine (only when logged in; hidden without one), with the invite button leading to
 * the group's page, where the share is; the group page passes its `group` in instead.
 */
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const api = require('../../../utils/api')
const countdown = require('../../../utils/countdown')
const gb = require('../../../utils/groupbuy')

const DEFAULTS = {title: '我的拼团', invite_text: '邀请好友参团'}

Component({
  behaviors: [block],
  properties: {
    group: {type: Object, value: null},
  },
  data: {p: DEFAULTS, g: null, seats: [], status: '', left: '', standalone: true},
  observers: {
    group(group) {
      if (isObject(group)) this.show(group, group.now)
    },
  },
  lifetimes: {
    attached() {
      this.timer = setInterval(() => this.tick(), 1000)
      if (isObject(this.data.group)) return this.show(this.data.group, this.data.group.now)
      return this.load()
    },
    detached() {
      clearInterval(this.timer)
    },
  },
  methods: {
    view({props}) {
      return {p: withDefaults(props, DEFAULTS)}
    },
    load() {
      if (!api.storedToken()) return Promise.resolve(null)
      return api.get('/groupbuy/mine').then(body => {
        const open = (body.items || []).filter(x => isObject(x.group) && x.group.status === 'open')[0]
        if (open) this.show(open.group, body.now)
      }, () => null)
    },
    show(group, now) {
      this.offset = countdown.offset(now, Date.now())
      this.setData({g: group, seats: gb.seats(group), status: gb.statusText(group),
        standalone: !isObject(this.data.group)})
      this.tick()
    },
    tick() {
      const left = gb.leftText(this.data.g, Date.now() + (this.offset || 0))
      if (left !== this.data.left) this.setData({left})
    },
    onInvite() {
      if (this.data.g) wx.navigateTo({url: gb.groupPath(this.data.g.id)})
    },
  },
})
