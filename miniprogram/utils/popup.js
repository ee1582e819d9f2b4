/**
 * The page's popup ad (首页弹窗, the layout's page.popup): whether it is due on this device,
 * remembered in wx storage by its key: "always" every visit, "once" never again once shown,
 * "daily" not again on the same local calendar day. `now` is passed in (tests give a clock).
 */
const config = require('../config')

const PREFIX = `mallkit:${config.shop}:popup:`

/** Is a popup of `frequency`, last shown at `lastShown` (ms or null), due at `now` (ms)? */
function due(frequency, lastShown, now) {
  if (frequency === 'always' || lastShown === null) return true
  if (frequency === 'once') return false
  const last = new Date(lastShown)
  const today = new Date(now)
  return last.getFullYear() !== today.getFullYear() || last.getMonth() !== today.getMonth() ||
    last.getDate() !== today.getDate()
}

/** Show the popup `key` now? Records the showing when it is due. */
function take(key, frequency, now) {
  const stored = Number(wx.getStorageSync(PREFIX + key))
  if (!due(frequency, stored > 0 ? stored : null, now)) return false
  wx.setStorageSync(PREFIX + key, now)
  return true
}

module.exports = {due, take}
