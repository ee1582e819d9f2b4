/**
 * Server-cleaned HTML (a rich-text block's content, an article's body) made ready for WeChat's
 * rich-text node: server paths of images made absolute, images kept inside the screen.
 */
const {absoluteUrl} = require('./format')

function prepare(html) {
  if (typeof html !== 'string') return ''
  return html
    .replace(/(<img\b[^>]*\ssrc=")(\/[^"]*)"/g, (all, head, src) => `${head}${absoluteUrl(src)}"`)
    .replace(/<img\b(?![^>]*\sstyle=)/g, '<img style="max-width:100%;height:auto"')
}

module.exports = {prepare}
