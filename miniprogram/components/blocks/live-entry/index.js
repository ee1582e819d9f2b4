// live-entry: the shop's mini-program live rooms (直播中 / 预告 / 回放) as the server cached them
// from WeChat's getliveinfo; tapping one opens it in WeChat's live-player plugin.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {open} = require('../../../utils/links')
const {absoluteUrl} = require('../../../utils/format')

const DEFAULTS = {title: '直播间', count: 3, show_upcoming: true, show_replays: true}
const PLUGIN = 'plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id='

Component({
  behaviors: [block],
  data: {p: DEFAULTS, rooms: []},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const found = isObject(data) && Array.isArray(data.rooms) ? data.rooms : []
      const rooms = found.filter(r => isObject(r) && typeof r.roomid === 'number').map(r => ({
        roomid: r.roomid, name: String(r.name || ''), cover: absoluteUrl(r.cover_img),
        status: String(r.status || ''), live: r.live_status === 101, upcoming: r.live_status === 102,
        anchor: String(r.anchor_name || ''), start: String(r.start_text || ''),
      }))
      return {p, rooms}
    },
    onRoom(event) {
      open(`${PLUGIN}${event.currentTarget.dataset.room}`)
    },
  },
})
