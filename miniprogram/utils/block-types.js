/** The block types this client has a component for (components/blocks/<type>/). */
module.exports = [
  'banner', 'coupon-strip', 'divider', 'follow-account', 'icon-nav', 'image-ad', 'image-text',
  'magic-cube', 'notice-bar', 'product-buybox', 'product-grid', 'product-tabs', 'rich-text', 'search-bar',
  'service-button', 'signin-calendar', 'single-image', 'spacer', 'store-info', 'title', 'user-card', 'video',
]
