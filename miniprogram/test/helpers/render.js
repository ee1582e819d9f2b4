/** Loading and rendering mini-program components and pages with miniprogram-simulate. */
const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '..', '..')

/**
 * Render the component (or Component-built page) at `rel` (e.g. "components/layout-renderer/index").
 * miniprogram-simulate runs each component's JS with `require` and then drops it from
 * require.cache so the next load runs it again; jest's module registry ignores that, so the
 * registry is reset before each load (otherwise a component shared by two pages would only be
 * defined for the first one).
 */
function render(rel, props) {
  jest.resetModules()
  const id = simulate.load(path.join(ROOT, rel), {rootPath: ROOT})
  const comp = simulate.render(id, props || {})
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
