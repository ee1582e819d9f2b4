/**
 * Where this mini-program finds its shop. Point `baseUrl` at a mallkit server
 * (`mallkit run` serves http://127.0.0.1:5000; in WeChat DevTools tick
 * "不校验合法域名" for a local server, and add the https domain as a request domain
 * in the mini-program admin for a real one).
 */
module.exports = {
  baseUrl: 'http://127.0.0.1:5000',
  shop: 'demo',
  // Sent as X-Client-Version: blocks needing a newer client are left out for us.
  clientVersion: '1.3.0',
  // Show a problem's `detail` to the user (debug builds only, per docs/protocol.md).
  debug: true,
  // A server without the shop's AppSecret uses its WeChat simulator, which cannot exchange a
  // real wx.login code: it accepts "dev-<openid>". With an openid here the app logs in as that
  // simulated shopper. Empty it for a real mini-program (the wx.login code is used).
  simulatorOpenid: 'devtools-shopper',
}
