/**
 * Block props made safe to render: the server sends every prop with its default filled in,
 * but a client must never crash on a missing or mistyped one (an older server, a hand-made
 * layout). Each block lists its defaults (from blocks/<type>/block.json) and reads props
 * through these helpers.
 */

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function fits(value, fallback) {
  if (value === undefined) return false
  if (fallback === null) return true // image, link, nullable numbers: checked where used
  if (Array.isArray(fallback)) return Array.isArray(value)
  if (typeof fallback === 'number') return typeof value === 'number' && isFinite(value)
  return typeof value === typeof fallback && value !== null
}

/** `props` with every key of `defaults` present and of the default's type. */
function withDefaults(props, defaults) {
  const source = isObject(props) ? props : {}
  const out = {}
  Object.keys(defaults).forEach(key => {
    out[key] = fits(source[key], defaults[key]) ? source[key] : defaults[key]
  })
  return out
}

/** Each object of `list` through `withDefaults`; anything that is not an object is dropped. */
function listOf(list, defaults) {
  return (Array.isArray(list) ? list : []).filter(isObject).map(item => withDefaults(item, defaults))
}

/** The node's props and data, whatever the node looks like. */
function nodeParts(node) {
  const safe = isObject(node) ? node : {}
  return {props: isObject(safe.props) ? safe.props : {}, data: isObject(safe.data) ? safe.data : {}}
}

module.exports = {isObject, withDefaults, listOf, nodeParts}
