// The tab bar of H5 block pages: its cart item's badge shows the pieces in the shopper's cart,
// read from GET /cart/count (per shopper; the page itself is cached for everyone). Adding to
// the cart on the page repaints every [data-mk-cart-count] badge from the cart's answer.

import { api } from "./api.js";

const badges = document.querySelectorAll(".mk-tab-badge[data-mk-cart-count]");
if (badges.length) {
  try {
    const { count } = await api("GET", "/cart/count");
    badges.forEach((badge) => {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = !count;
    });
  } catch { /* no cart: no badge */ }
}
