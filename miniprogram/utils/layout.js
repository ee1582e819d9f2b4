/**
 * Turning a layout document (GET layouts/<slug>, docs/protocol.md) into what the
 * layout-renderer draws. Pure: no wx calls. Nodes of a type with no component here are
 * skipped with their children; another protocol version gives `outdated`.
 */
const KNOWN = require('./block-types')
const {isObject} = require('./props')
const {themeStyle, color, imageUrl} = require('./format')

const PROTOCOL = 1
// Blocks whose whole element sticks to the top when their `sticky` prop is on (product-tabs
// sticks only its tab bar, inside the block).
const STICKY = ['search-bar', 'page-tabs']

/** The nodes to draw: known types only, each with an id, props and data that are safe to read. */
function renderable(nodes) {
  const seen = {}
  return (Array.isArray(nodes) ? nodes : []).filter(node => {
    if (!isObject(node) || KNOWN.indexOf(node.type) < 0) return false
    const id = typeof node.id === 'string' && node.id ? node.id : ''
    if (!id || seen[id]) return false
    seen[id] = true
    return true
  }).map(node => {
    const props = isObject(node.props) ? node.props : {}
    return {
      id: node.id,
      type: node.type,
      v: typeof node.v === 'number' ? node.v : 1,
      props,
      data: node.data === undefined ? null : node.data,
      sticky: STICKY.indexOf(node.type) >= 0 && props.sticky === true,
    }
  })
}

function build(layout) {
  if (!isObject(layout)) return {nodes: [], outdated: false, rootStyle: '', popup: null}
  if (layout.protocol !== PROTOCOL) return {nodes: [], outdated: true, rootStyle: '', popup: null}
  const theme = isObject(layout.theme) ? layout.theme : {}
  const page = isObject(layout.page) ? layout.page : {}
  const style = [themeStyle(theme.tokens)]
  const background = color(page.background)
  if (background) style.push(`background-color: ${background}`)
  const image = imageUrl(page.background_image, 750)
  if (image) style.push(`background-image: url("${image}"); background-size: 100% auto; background-repeat: no-repeat`)
  return {nodes: renderable(layout.nodes), outdated: false, rootStyle: style.filter(Boolean).join('; '),
    popup: popupOf(page)}
}

/** The page's popup ad as the page-popup component takes it, or null. */
function popupOf(page) {
  const popup = page.popup
  if (!isObject(popup) || typeof popup.key !== 'string' || !popup.key) return null
  const src = imageUrl(popup.image, 600)
  if (!src) return null
  const frequency = ['daily', 'once', 'always'].indexOf(popup.frequency) >= 0 ? popup.frequency : 'daily'
  return {key: `${page.slug || ''}:${popup.key}`, src, link: isObject(popup.link) ? popup.link : null, frequency}
}

/** The layout cut at its first node of `type`: the nodes before it and after it, each as a
 * layout document of its own (the product page draws its buy box between them). */
function splitAt(layout, type) {
  if (!isObject(layout) || !Array.isArray(layout.nodes)) return {before: null, after: layout}
  const at = layout.nodes.findIndex(node => isObject(node) && node.type === type)
  if (at < 0) return {before: null, after: layout}
  const before = layout.nodes.slice(0, at)
  const page = isObject(layout.page) ? {...layout.page, popup: null} : layout.page
  return {
    before: before.length ? {...layout, page, nodes: before} : null, // the popup shows once, below
    after: {...layout, nodes: layout.nodes.slice(at + 1)},
  }
}

module.exports = {renderable, build, splitAt, PROTOCOL}
