// The app: logs the shopper in quietly at launch (wx.login -> /auth/wechat) so the first cart
// or order request does not wait for it; every request logs in again by itself when needed.
const api = require('./utils/api')

App({
  onLaunch() {
    api.ensureToken().catch(() => null)
  },
})
