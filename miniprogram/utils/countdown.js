/**
 * Countdowns by the server's clock: `offset` is how far the server's `now` is ahead of the
 * device, `label` says how long until a seckill window starts or ends at a server instant.
 */
function offset(serverNow, deviceNow) {
  const server = Date.parse(serverNow)
  return Number.isFinite(server) ? server - deviceNow : 0
}

function hms(ms) {
  const t = Math.max(0, Math.floor(ms / 1000))
  const pad = n => (n < 10 ? '0' : '') + n
  return `${pad(Math.floor(t / 3600))}:${pad(Math.floor(t / 60) % 60)}:${pad(t % 60)}`
}

/** "距开始 00:00:01" before the window, "距结束 01:59:59" in it, "已结束" after. */
function label(activity, now) {
  if (!activity) return ''
  if (activity.state === 'running') return `距结束 ${hms(Date.parse(activity.ends_at) - now)}`
  if (activity.state === 'not_started') return `距开始 ${hms(Date.parse(activity.starts_at) - now)}`
  return '已结束'
}

module.exports = {offset, hms, label}
