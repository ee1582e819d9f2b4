/**
 * Mini-program 1.3.0: the live-entry block — the live rooms the server cached from WeChat's
 * getliveinfo, with their status, and a tap that opens WeChat's live-player plugin.
 */
const {installWx} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')
const config = require('../config')

const PLUGIN = 'plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id='

function renderLive(props, data) {
  return render('components/layout-renderer/index', {layout: {protocol: 1, page: {}, theme: {}, nodes: [
    {id: 'live', type: 'live-entry', v: 1, props, data, children: []}]}})
}

beforeEach(() => {
  installWx(null)
})

test('each room with its status, anchor and start; a tap opens the live player', async () => {
  const view = renderLive({title: '直播间'}, {plugin_path: PLUGIN, rooms: [
    {roomid: 7, name: '春季新品直播', cover_img: 'https://mmbiz.qpic.cn/7.jpg', live_status: 101, status: '直播中',
      anchor_name: '店长小王', start_text: '11-25 20:00'},
    {roomid: 8, name: '明晚预告', cover_img: '', live_status: 102, status: '预告', anchor_name: '小李', start_text: ''},
    {roomid: 9, name: '上周回放', cover_img: '/media/1/ab/cover.png', live_status: 103, status: '回放', anchor_name: '小李',
      start_text: '11-23 20:00'}]})
  const block = view.querySelector('#node-live')
  expect(text(block.querySelector('.live__title'))).toBe('直播间')
  expect(block.querySelectorAll('.live__name').map(text)).toEqual(['春季新品直播', '明晚预告', '上周回放'])
  // WeChat's covers are absolute; the demo's come from the shop's media library as /media/ paths
  expect(block.data.rooms.map(r => r.cover)).toEqual(
    ['https://mmbiz.qpic.cn/7.jpg', '', `${config.baseUrl.replace(/\/+$/, '')}/media/1/ab/cover.png`])
  expect(block.querySelectorAll('.live__img').length).toBe(2)
  const badges = block.querySelectorAll('.live__badge')
  expect(badges.map(text)).toEqual(['直播中', '预告', '回放'])
  expect(badges[0].dom.className).toContain('live__badge--on')
  expect(badges[1].dom.className).toContain('live__badge--soon')
  expect(block.querySelectorAll('.live__meta').map(text)).toEqual(
    ['主播 店长小王 · 11-25 20:00 开播', '主播 小李', '主播 小李 · 11-23 20:00 开播'])
  await tap(block.querySelectorAll('.live__room')[0])
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `${PLUGIN}7`})
})

test('no rooms, or rooms in a shape it does not know, show the empty note', () => {
  const view = renderLive({title: ''}, {rooms: [{roomid: 'x'}, null]})
  const block = view.querySelector('#node-live')
  expect(block.querySelectorAll('.live__room').length).toBe(0)
  expect(text(block)).toBe('暂无直播')
})
