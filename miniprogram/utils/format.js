/** Formatting helpers shared by pages and blocks (pure functions, no wx calls). */
const config = require('../config')

/** Integer fen -> "¥19.90"; anything that is not a finite number -> "". */
function yuan(fen) {
  if (typeof fen !== 'number' || !isFinite(fen)) return ''
  const sign = fen < 0 ? '-' : ''
  const abs = Math.round(Math.abs(fen))
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}¥${Math.floor(abs / 100)}.${cents}`
}

/** "¥19.90" or "¥19.90 起" when the SKUs differ in price. */
function priceText(priceFen, maxPriceFen) {
  const text = yuan(priceFen)
  if (text && typeof maxPriceFen === 'number' && maxPriceFen > priceFen) return `${text} 起`
  return text
}

/** A server URL made absolute: the server sends media as "/media/..." paths. */
function absoluteUrl(url, base) {
  if (typeof url !== 'string' || !url) return ''
  if (/^https?:\/\//.test(url)) return url
  const root = (base === undefined ? config.baseUrl : base).replace(/\/+$/, '')
  return url.charAt(0) === '/' ? root + url : `${root}/${url}`
}

let screen = null
/** Window width (px) and pixel ratio, read once. */
function screenInfo() {
  if (screen) return screen
  let info = {}
  try {
    info = (typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo() : wx.getSystemInfoSync()) || {}
  } catch (err) {
    info = {}
  }
  screen = {
    windowWidth: Number(info.windowWidth) > 0 ? Number(info.windowWidth) : 375,
    pixelRatio: Number(info.pixelRatio) > 0 ? Number(info.pixelRatio) : 2,
  }
  return screen
}

/**
 * The URL to load for an image shown `rpx` wide (750 rpx = the screen): the smallest entry of
 * `sizes` at least as wide as the physical pixels, else the original `url`. "" when the image
 * is missing or was deleted (`url: null`).
 */
function imageUrl(image, rpx) {
  if (!image || typeof image !== 'object' || !image.url) return ''
  const {windowWidth, pixelRatio} = screenInfo()
  const needed = Math.ceil(((Number(rpx) || 750) * windowWidth / 750) * pixelRatio)
  const sizes = image.sizes && typeof image.sizes === 'object' ? image.sizes : {}
  const widths = Object.keys(sizes).map(Number).filter(w => w > 0 && sizes[w]).sort((a, b) => a - b)
  const fit = widths.find(w => w >= needed)
  return absoluteUrl(fit ? sizes[fit] : image.url)
}

/** A colour prop, or `fallback` when it is "" / missing / not a colour. */
function color(value, fallback) {
  return typeof value === 'string' && /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(value)
    ? value : (fallback || '')
}

const TOKEN_VARS = {
  color_primary: '--color-primary',
  color_accent: '--color-accent',
  color_text: '--color-text',
  color_muted: '--color-muted',
  color_background: '--color-background',
  color_surface: '--color-surface',
  color_border: '--color-border',
}

/** Theme tokens as CSS variables for the page (`--color-primary: #ee0a24; --radius: 8px`). */
function themeStyle(tokens) {
  if (!tokens || typeof tokens !== 'object') return ''
  const parts = []
  Object.keys(TOKEN_VARS).forEach(key => {
    const value = color(tokens[key])
    if (value) parts.push(`${TOKEN_VARS[key]}: ${value}`)
  })
  if (typeof tokens.radius === 'number' && tokens.radius >= 0) parts.push(`--radius: ${tokens.radius}px`)
  return parts.join('; ')
}

/** "2:1" -> 50 (height as a percentage of the width), `fallback` for anything else. */
function ratioPercent(ratio, fallback) {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(ratio || '')
  if (!match || Number(match[1]) <= 0) return fallback
  return Math.round((Number(match[2]) / Number(match[1])) * 10000) / 100
}

/** An ISO time as "2026-11-25 12:00" in the phone's time zone ("" for anything else). */
function dateTime(iso) {
  const d = typeof iso === 'string' ? new Date(iso) : null
  if (!d || isNaN(d.getTime())) return ''
  const pad = n => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

module.exports = {
  yuan, priceText, absoluteUrl, imageUrl, color, themeStyle, ratioPercent, dateTime, screenInfo,
}
