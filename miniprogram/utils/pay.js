/**
 * Paying an order: POST orders/<id>/pay {method}; for WeChat Pay the answer carries the
 * signed wx.requestPayment parameters. Resolves with {paid, cancelled, start} — `paid` is
 * what the client knows (the server confirms through WeChat's notification).
 */
const api = require('./api')

const PAY_FIELDS = ['timeStamp', 'nonceStr', 'package', 'signType', 'paySign']
const METHOD_LABELS = {wechatpay: '微信支付', wallet: '余额支付', cod: '货到付款'}

function requestPayment(params) {
  const args = {}
  PAY_FIELDS.forEach(key => { args[key] = params[key] })
  return new Promise((resolve, reject) => {
    wx.requestPayment(Object.assign(args, {success: resolve, fail: reject}))
  })
}

function payOrder(order, method) {
  return api.post(`/orders/${order.id}/pay`, {method}).then(start => {
    if (start.paid || !start.request_payment) return {paid: start.paid === true, cancelled: false, start}
    return requestPayment(start.request_payment).then(
      () => ({paid: true, cancelled: false, start}),
      err => {
        const cancelled = /cancel/.test((err && err.errMsg) || '')
        if (!cancelled && start.simulated) {
          // The server has no WeChat Pay merchant yet and signs with its local simulator, which
          // WeChat does not accept: tell the developer how to finish the payment.
          wx.showModal({
            title: '模拟支付',
            content: `此店铺使用微信支付模拟器。在服务器上运行 mallkit wechatpay simulate-paid ${order.order_no} 完成支付。`,
            showCancel: false,
          })
        }
        return {paid: false, cancelled, start}
      })
  })
}

module.exports = {payOrder, requestPayment, METHOD_LABELS}
