/** Loading and rendering mini-program components and pages with miniprogram-simulate. */
const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '..', '..')
const ids = {}

/** Render the component (or Component-built page) at `rel` (e.g. "components/layout-renderer/index"). */
function render(rel, props) {
  if (!ids[rel]) ids[rel] = simulate.load(path.join(ROOT, rel), {rootPath: ROOT})
  const comp = simulate.render(ids[rel], props || {})
  comp.attach(document.createElement('parent-wrapper'))
  return comp
}

/** The visible text of a rendered component (whitespace collapsed). */
function text(comp) {
  return comp.dom.textContent.replace(/\s+/g, ' ').trim()
}

/** Tap an element and wait for the (asynchronous) handler. */
async function tap(comp) {
  comp.dispatchEvent('tap')
  await simulate.sleep(5)
}

module.exports = {ROOT, render, text, tap, simulate}
