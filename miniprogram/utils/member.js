/**
 * The member's own figures (GET me + GET orders/counts), shared for a few seconds by the user
 * tab and the user-card block so one screen asks once. Never part of a cached layout.
 */
const api = require('./api')

const TTL_MS = 10000
let cached = null

/** {me, counts}; `fresh` asks the server again (the user tab on show). */
function summary(fresh) {
  const now = Date.now()
  if (!fresh && cached && now - cached.at < TTL_MS) return cached.promise
  const promise = api.get('/me').then(me => api.get('/orders/counts')
    .then(counts => ({me, counts}), () => ({me, counts: {}})))
  cached = {at: now, promise}
  promise.catch(() => {
    if (cached && cached.promise === promise) cached = null
  })
  return promise
}

module.exports = {summary}
