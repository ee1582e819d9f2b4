// The app: logs the shopper in quietly at launch (wx.login -> /auth/wechat) so the first cart
// or order request does not wait for it; every request logs in again by itself when needed.
// A launch from a shared page (`from=<distributor code>`) binds the shopper to the sharer;
// one with `invite=<invite code>` (邀请有礼) accepts the invite.
const api = require('./utils/api')
const referral = require('./utils/referral')
const invite = require('./utils/invite')

App({
  onLaunch(options) {
    api.ensureToken().catch(() => null)
    referral.capture(options && options.query)
    invite.capture(options && options.query)
  },
  onShow(options) {
    referral.capture(options && options.query)
    invite.capture(options && options.query)
  },
})
