/**
 * Opens a layout's `url` link in a web-view. WeChat only loads the mini-program's configured
 * business domains; for any other address the link is copied for the browser instead.
 */
Component({
  data: {url: '', failed: false},
  methods: {
    onLoad(options) {
      const url = options && options.url ? decodeURIComponent(options.url) : ''
      this.setData({url: /^https?:\/\//.test(url) ? url : '', failed: !/^https?:\/\//.test(url)})
    },
    onError() {
      this.setData({failed: true})
    },
    onCopy() {
      wx.setClipboardData({data: this.data.url})
    },
  },
})
