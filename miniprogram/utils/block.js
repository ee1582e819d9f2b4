/**
 * The behaviour every block component shares: a `node` property (one node of a layout), a
 * `view({props, data})` method that the block defines to turn it into template data, run
 * whenever the node changes, and `onLink` for elements carrying `data-link="{{link}}"`.
 */
const {nodeParts} = require('./props')
const {navigate} = require('./links')

module.exports = Behavior({
  properties: {
    node: {type: Object, value: null},
  },
  observers: {
    node() {
      this.refresh()
    },
  },
  lifetimes: {
    attached() {
      this.refresh()
    },
  },
  methods: {
    refresh() {
      if (typeof this.view === 'function') this.setData(this.view(nodeParts(this.data.node)))
    },
    onLink(event) {
      return navigate(event.currentTarget.dataset.link)
    },
  },
})
