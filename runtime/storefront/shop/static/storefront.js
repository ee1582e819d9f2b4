// The H5 block pages' shopping: the product page's buy box (live price and stock, SKU picker,
// add to cart, buy now, share), the cart buttons of product cards (add a single-SKU product at
// once, open the picker otherwise), the cart badge, and the member card (user-card) filled
// from the member's own endpoints. Blocks include this module; a module
// script runs once however many blocks include it.

import {
  api, BASE, html, loggedIn, logout, problemText, raw, requireLogin, sheet, toast, yuan,
} from "./api.js";

const products = new Map();

function product(id) {
  if (!products.has(id)) {
    products.set(id, api("GET", `/products/${id}`).catch((e) => { products.delete(id); throw e; }));
  }
  return products.get(id);
}

const orderable = (p) => p.skus.filter((s) => s.stock > 0);
const single = (p) => p.skus.length === 1 && !p.specs.length;
const maxQty = (p, sku) => Math.max(0, Math.min(sku ? sku.stock : 0, p.limit_per_order || 999, 999));

/** The SKU whose spec values are exactly ``chosen`` (one value per spec), or null. */
function match(p, chosen) {
  if (chosen.some((v) => v === null)) return single(p) ? p.skus[0] : null;
  return p.skus.find((s) => s.spec_values.every((v, i) => v === chosen[i])) || null;
}

/** Whether picking ``value`` for spec ``index`` (keeping the other choices) can still be sold. */
function possible(p, chosen, index, value) {
  return p.skus.some((s) => s.stock > 0 && s.spec_values[index] === value
    && s.spec_values.every((v, i) => i === index || chosen[i] === null || chosen[i] === v));
}

async function addToCart(skuId, qty) {
  const cart = await api("POST", "/cart/items", { sku_id: skuId, qty });
  document.querySelectorAll("[data-mk-cart-count]").forEach((badge) => {
    badge.textContent = cart.count > 99 ? "99+" : String(cart.count);
    badge.hidden = !cart.count;
  });
  toast("已加入购物车");
  return cart;
}

function buyNow(skuId, qty) {
  location.href = `${BASE}/checkout?sku=${skuId}&qty=${qty}`;
}

/** The picker sheet: ``mode`` "cart", "buy" or "choose" (both buttons). */
export function openPicker(p, mode = "choose", onChange = () => {}) {
  const { dialog, body } = sheet("选择规格", "mk-picker");
  const preferred = orderable(p)[0] || p.skus[0];
  const chosen = p.specs.map((_, i) => (p.specs.length && preferred ? preferred.spec_values[i] : null));
  let qty = 1;
  const render = () => {
    const sku = match(p, chosen);
    const limit = maxQty(p, sku);
    qty = Math.max(1, Math.min(qty, limit || 1));
    const missing = p.specs.filter((_, i) => chosen[i] === null).map((s) => s.name);
    const price = sku ? yuan(sku.price_fen) : yuan(p.price_fen);
    const orig = sku ? sku.original_price_fen : p.original_price_fen;
    const image = (sku && sku.image) || p.images[0] || "";
    const limits = [p.limit_per_order ? `每单限购 ${p.limit_per_order} 件` : "",
      p.limit_per_customer ? `每人限购 ${p.limit_per_customer} 件` : ""].filter(Boolean).join("，");
    const buttons = { cart: ["加入购物车"], buy: ["立即购买"], choose: ["加入购物车", "立即购买"] }[mode];
    body.innerHTML = html`
      <div class="mk-picker__top">
        ${raw(image ? html`<img class="mk-picker__img" src="${image}" alt="">` : '<span class="mk-picker__img"></span>')}
        <div><div><span class="mk-picker__price" data-picker-price>${price}</span>
          ${raw(orig && (!sku || orig > sku.price_fen) ? html`<span class="mk-picker__orig">${yuan(orig)}</span>` : "")}</div>
          <p class="mk-picker__meta" data-picker-stock>${sku ? `库存 ${sku.stock} 件` : `请选择 ${missing.join(" ")}`}</p>
          ${raw(sku && sku.spec_values.length ? html`<p class="mk-picker__meta">已选：${sku.spec_values.join(" / ")}</p>` : "")}</div>
      </div>
      ${raw(p.specs.map((spec, i) => html`<fieldset><legend>${spec.name}</legend><div class="mk-picker__values">
        ${raw(spec.values.map((value) => html`<button type="button" data-spec="${i}" data-value="${value}"
          aria-pressed="${chosen[i] === value ? "true" : "false"}" ${raw(possible(p, chosen, i, value) ? "" : "disabled")}>${value}</button>`).join(""))}
        </div></fieldset>`).join(""))}
      <div class="mk-picker__qty"><span>数量${raw(limits ? html` <small class="mk-picker__meta">(${limits})</small>` : "")}</span>
        <span class="mk-stepper"><button type="button" data-step="-1" aria-label="减少" ${raw(qty <= 1 ? "disabled" : "")}>−</button>
          <input data-qty inputmode="numeric" aria-label="数量" value="${qty}">
          <button type="button" data-step="1" aria-label="增加" ${raw(qty >= limit ? "disabled" : "")}>+</button></span></div>
      <div class="mk-picker__actions">${raw(buttons.map((label) => html`<button type="button"
        class="${label === "立即购买" ? "mk-primary" : "mk-cart-btn"}" data-act="${label === "立即购买" ? "buy" : "cart"}"
        ${raw(sku && sku.stock > 0 ? "" : "disabled")}>${sku && !sku.stock ? "已售罄" : label}</button>`).join(""))}</div>`;
    onChange(sku, chosen);
  };
  body.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button || button.disabled) return;
    if (button.dataset.spec !== undefined) {
      const i = Number(button.dataset.spec);
      chosen[i] = chosen[i] === button.dataset.value ? null : button.dataset.value;
      render();
      body.querySelector(`[data-spec="${i}"][data-value="${CSS.escape(button.dataset.value)}"]`)?.focus();
    } else if (button.dataset.step) {
      qty += Number(button.dataset.step);
      render();
      body.querySelector(`[data-step="${button.dataset.step}"]`)?.focus();
    } else if (button.dataset.act) {
      const sku = match(p, chosen);
      if (!sku) return;
      if (button.dataset.act === "buy") { buyNow(sku.id, qty); return; }
      button.disabled = true;
      try { await addToCart(sku.id, qty); dialog.close(); } catch (e) { toast(problemText(e)); button.disabled = false; }
    }
  });
  body.addEventListener("change", (event) => {
    if (event.target.matches("[data-qty]")) {
      qty = Number.parseInt(event.target.value, 10) || 1;
      render();
    }
  });
  render();
  dialog.showModal();
  (body.querySelector("[aria-pressed=true]") || body.querySelector("button:not(:disabled)"))?.focus();
  return dialog;
}

// --- product cards: the cart button ---------------------------------------------------------

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-mk-add]");
  if (!button) return;
  event.preventDefault();
  button.disabled = true;
  try {
    const p = await product(Number(button.dataset.mkAdd));
    if (single(p)) await addToCart(p.skus[0].id, 1);
    else openPicker(p, "cart");
  } catch (e) { toast(problemText(e)); }
  button.disabled = false;
});

// --- the product page's buy box -------------------------------------------------------------

async function buybox(root) {
  const id = Number(root.dataset.mkBuybox);
  let p;
  try { p = await product(id); } catch (e) {
    root.querySelectorAll("[data-act]").forEach((b) => { b.disabled = true; });
    return;
  }
  const stock = root.querySelector("[data-stock]");
  const picked = root.querySelector("[data-picked]");
  const total = p.skus.reduce((n, s) => n + s.stock, 0);
  if (stock) stock.textContent = `库存 ${total} 件`;
  const soldOut = !orderable(p).length;
  root.querySelectorAll("[data-act]").forEach((b) => {
    b.disabled = soldOut;
    if (soldOut && b.dataset.act === "buy") b.textContent = "已售罄";
  });
  const show = (sku) => {
    if (picked) picked.textContent = sku && sku.spec_values.length ? sku.spec_values.join(" / ") : "请选择";
    const price = root.querySelector("[data-price]");
    if (price && sku) price.textContent = yuan(sku.price_fen).slice(1);
  };
  root.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-act]");
    if (!button || button.disabled) return;
    const act = button.dataset.act;
    if (act === "share") { share(root); return; }
    if (single(p)) {
      if (act === "buy") buyNow(p.skus[0].id, 1);
      else if (act === "cart") {
        try { await addToCart(p.skus[0].id, 1); } catch (e) { toast(problemText(e)); }
      }
      return;
    }
    openPicker(p, act === "pick" ? "choose" : act, show);
  });
  root.dataset.ready = "true"; // the buttons act from here on
  for (const module of (root.dataset.mkOffers || "").split(" ").filter(Boolean)) {
    // an activity module's live offer (seckill, group buy: price, countdown, its buy path)
    import(`${BASE}/_${module}-static/offer.js`).then((m) => m.offer(root, p)).catch(() => {});
  }
  try {
    const cart = await api("GET", "/cart");
    root.querySelectorAll("[data-mk-cart-count]").forEach((badge) => {
      badge.textContent = cart.count > 99 ? "99+" : String(cart.count);
      badge.hidden = !cart.count;
    });
  } catch { /* no cart yet */ }
}

async function share(root) {
  const data = { title: root.dataset.title || document.title, url: location.href };
  try {
    if (navigator.share) { await navigator.share(data); return; }
    await navigator.clipboard.writeText(data.url);
    toast("链接已复制，快去分享吧");
  } catch (e) {
    if (e.name !== "AbortError") toast(`复制这个链接分享：${data.url}`);
  }
}

// --- the member card -------------------------------------------------------------------------

async function usercard(root) {
  const set = (selector, text) => root.querySelectorAll(selector).forEach((el) => { el.textContent = text; });
  const login = root.querySelector("[data-login]");
  const leave = root.querySelector("[data-logout]");
  login.addEventListener("click", async () => {
    try { await requireLogin(); await fill(); } catch (e) { if (e.status !== 401) toast(problemText(e)); }
  });
  leave?.addEventListener("click", async () => {
    try { await logout(); } finally { location.reload(); }
  });
  async function fill() {
    if (leave) leave.hidden = !loggedIn();
    if (!loggedIn()) { login.hidden = false; return; }
    let me;
    let counts;
    try {
      [me, counts] = await Promise.all([api("GET", "/me"), api("GET", "/orders/counts")]);
    } catch (e) {
      if (e.status === 401) login.hidden = false;
      return;
    }
    login.hidden = true;
    if (leave) leave.hidden = false;
    set("[data-name]", me.nickname || (me.phone ? `${me.phone.slice(0, 3)}****${me.phone.slice(-4)}` : "会员"));
    set("[data-level]", me.level ? me.level.name : "");
    const avatar = root.querySelector("[data-avatar]");
    if (me.avatar_url) avatar.innerHTML = html`<img src="${me.avatar_url}" alt="">`;
    else avatar.textContent = (me.nickname || "会")[0];
    set("[data-points]", String(me.points));
    set("[data-balance]", yuan(me.wallet ? me.wallet.balance_fen : 0));
    const card = root.querySelector("[data-card]");
    card.textContent = me.card ? `${me.card.name} · ${new Date(me.card.expires_at).toLocaleDateString("zh-CN")}到期` : "开通会员卡";
    card.hidden = !me.card && !me.cards_on_sale;
    const coupons = root.querySelector("[data-coupons-link]");
    if (coupons) {  // null while the shop has coupons off: the row keeps three cells
      coupons.hidden = me.coupon_count == null;
      coupons.parentElement.style.setProperty("--n", coupons.hidden ? "3" : "4");
      set("[data-coupons]", String(me.coupon_count ?? 0));
    }
    set("[data-order-total]", String(Object.values(counts).reduce((n, c) => n + c, 0)));
    root.querySelectorAll("[data-count]").forEach((badge) => {
      const n = counts[badge.dataset.count] || 0;
      badge.textContent = n > 99 ? "99+" : String(n);
      badge.hidden = !n;
    });
  }
  await fill();
}

document.querySelectorAll("[data-mk-buybox]").forEach(buybox);
document.querySelectorAll("[data-mk-usercard]").forEach(usercard);
