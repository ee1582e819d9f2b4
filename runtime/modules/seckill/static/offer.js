// The seckill offer in the product page's buy box: while a SKU of the product is in a running
// slot (or one that opens later today), its seckill price, the countdown by the server's clock,
// what is left, and a button to the seckill page (the seckill buy path). Live from GET
// seckill/live (cached 2 s), never from the cached page. storefront.js loads this module only
// when the shop has seckill on (the buy box's data-mk-offers).

import { api, BASE, html, raw, yuan } from "../_shop-static/api.js";
import { label, tick } from "./clock.js";

/** The offer for ``productId`` in the live board: a running activity first, else one opening
 * later today; ``{activity, sku}`` or null. */
export function pick(live, productId) {
  let found = null;
  for (const activity of live.items || []) {
    const open = activity.state === "running" || (activity.state === "not_started" && activity.today);
    const sku = open && activity.skus.find((s) => s.product_id === productId);
    if (sku && (!found || (activity.state === "running" && found.activity.state !== "running"))) {
      found = { activity, sku };
    }
  }
  return found;
}

const STYLE = `.mk-sk-offer{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;margin:0 0 8px;padding:8px 12px;border-radius:8px;color:#fff;background:linear-gradient(90deg,#ee0a24,#ff6034)}
.mk-sk-offer b{font-size:20px}.mk-sk-offer s{opacity:.8;font-size:12px}.mk-sk-offer small{flex:1;font-size:12px}
.mk-sk-offer a{padding:4px 12px;border-radius:14px;color:#ee0a24;background:#fff;font-size:13px;text-decoration:none}`;

export async function offer(root, product) {
  const live = await api("GET", "/seckill/live");
  const found = pick(live, product.id);
  if (!found) return null;
  const { activity, sku } = found;
  const running = activity.state === "running";
  const price = product.skus.find((s) => s.id === sku.sku_id)?.price_fen;
  if (!document.getElementById("mk-sk-offer-style")) {
    document.head.insertAdjacentHTML("beforeend", html`<style id="mk-sk-offer-style">${raw(STYLE)}</style>`);
  }
  const href = `${BASE}/seckill/${activity.activity_id}?sku=${sku.sku_id}`;
  const starts = new Date(activity.starts_at).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false });
  const box = document.createElement("div");
  box.className = "mk-sk-offer";
  box.dataset.seckill = String(activity.activity_id);
  box.innerHTML = html`<span>秒杀</span><b data-sk-price>${yuan(sku.seckill_price_fen)}</b>
    ${raw(price ? html`<s>${yuan(price)}</s>` : "")}
    <small><span data-sk-clock></span> · ${running ? `剩 ${sku.left} 件` : `${starts} 开抢`}</small>
    <a href="${href}" data-sk-buy>${running ? (sku.left > 0 ? "马上抢" : "已抢光") : "即将开抢"}</a>`;
  (root.querySelector(".mk-buybox__main") || root).prepend(box);
  const clock = box.querySelector("[data-sk-clock]");
  tick(live.now, (now) => { clock.textContent = label(activity, now); });
  return found;
}
