/**
 * layout-renderer: renders each node of a layout document with the component of its type
 * (components/blocks/<type>/). What is drawn comes from utils/layout.js: unknown types are
 * skipped, another protocol version shows an "update" notice, and nothing in a node (missing
 * props, data or id) can make the page fail.
 */
const {build} = require('../../utils/layout')

Component({
  properties: {
    layout: {type: Object, value: null},
  },
  data: {nodes: [], outdated: false, rootStyle: ''},
  observers: {
    layout(layout) {
      this.setData(build(layout))
    },
  },
  lifetimes: {
    attached() {
      this.setData(build(this.data.layout))
    },
  },
})
