// 我的优惠券: the member's coupons of one tab (unused = 可使用, used, expired) from
// GET me/coupons, each with its value, rule and validity; a usable one links 去使用 to the
// product it applies to (a coupon for one product) or the shop's home.
import { BASE, api, html, problemText, raw, requireLogin } from "../_shop-static/api.js";

const app = document.getElementById("app");
const done = () => app.querySelector(".loading")?.remove();
const STATES = { used: "已使用", expired: "已过期", revoked: "已作废" };

/** Where 去使用 goes: the one product a coupon is for, else the home page. */
export function useLink(coupon) {
  if (coupon.scope === "products" && coupon.product_ids.length === 1) {
    return `${BASE}/pages/product?id=${coupon.product_ids[0]}`;
  }
  return `${BASE}/`;
}

function item(coupon) {
  const usable = coupon.status === "unused";
  const action = usable
    ? (coupon.usable_now ? html`<a class="button primary" href="${useLink(coupon)}">去使用</a>`
                         : '<span class="muted">未到使用时间</span>')
    : html`<span class="mk-mycoupons__state">${STATES[coupon.status] || coupon.status}</span>`;
  return html`<li class="mk-mycoupons__item${usable ? "" : " is-off"}" data-coupon="${coupon.id}">
    <div class="mk-mycoupons__value"><b>${coupon.value_text}</b><span>${coupon.rule_text}</span></div>
    <div class="mk-mycoupons__body"><strong>${coupon.title}</strong>
      <span class="muted">${coupon.valid_text}</span>
      ${raw(action)}</div></li>`;
}

async function minePage() {
  await requireLogin();
  const { items } = await api("GET", `/me/coupons?status=${encodeURIComponent(app.dataset.status)}`);
  done();
  app.querySelector("[data-list]").innerHTML = items.map(item).join("")
    || '<li class="empty">暂无优惠券</li>';
}

if (app?.dataset.page === "coupons-mine") {
  minePage().catch((e) => {
    done();
    app.insertAdjacentHTML("beforeend", html`<p class="error">${problemText(e)}</p>`);
  });
}
