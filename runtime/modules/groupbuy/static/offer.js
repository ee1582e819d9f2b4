// The product page's group-buy part: while the product has a live group buy (GET
// groupbuy/activities?product_id=, cached a few seconds, never the cached page), the
// buy box shows the N人团 badge, the group and leader price, the open groups to join, and a
// 开团 button beside 单独购买 (hidden when the activity sells only in groups). Both lead to
// the group-buy order path: checkout with activity=groupbuy (and group_id to join), or the
// activity page to pick a SKU first. storefront.js loads this module only when the shop has
// group buy on (the buy box's data-mk-offers).
import { api, BASE, html, raw, yuan } from "../_shop-static/api.js";

const STYLE = [
  ".mk-buybox__groupbuy{padding:10px var(--mk-gutter,12px);border-top:8px solid var(--mk-color-bg,#f7f8fa);font-size:14px}",
  ".mk-buybox__groupbuy p{margin:0}",
  ".mk-buybox__groupbuy b{color:var(--mk-color-primary,#ee0a24)}",
  ".mk-buybox__groupbuy ul{margin:8px 0 0;padding:0;list-style:none;font-size:13px}",
  ".mk-buybox__groupbuy li{display:flex;align-items:center;gap:8px;min-height:36px}",
  ".mk-buybox__groupbuy li a{margin-left:auto;padding:4px 12px;border-radius:14px;color:#fff;background:var(--mk-color-primary,#ee0a24);text-decoration:none}",
  ".mk-buybox__badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:11px;color:#fff;background:var(--mk-color-primary,#ee0a24)}",
  ".mk-buybar__group{flex:1;display:flex;align-items:center;justify-content:center;gap:4px;height:40px;border-radius:0 20px 20px 0;color:#fff;background:var(--mk-color-primary,#ee0a24);text-decoration:none;font-size:14px;white-space:nowrap}",
  ".mk-buybar__group b{color:#fff}",
  ".mk-buybar__btns:has(.mk-buybar__group) .mk-buybar__buy{border-radius:0;background:var(--mk-color-accent,#ff976a);filter:brightness(.92)}",
  ".mk-buybar__btns button[hidden]{display:none}",
  ".mk-buybar__btns button[hidden] + .mk-buybar__group,.mk-buybar__btns:not(:has(button:not([hidden]))) .mk-buybar__group{border-radius:20px}",
].join("");

function orderLink(a, groupId) {
  const skus = a.skus.filter((s) => s.stock > 0);
  if (skus.length !== 1) {
    return groupId ? `${BASE}/groupbuy/groups/${groupId}` : `${BASE}/groupbuy/activities/${a.id}`;
  }
  const query = new URLSearchParams({ sku: skus[0].sku_id, qty: 1, activity: "groupbuy",
                                      activity_id: a.id });
  if (groupId) query.set("group_id", groupId);
  return `${BASE}/checkout?${query}`;
}

function hms(iso) {
  const left = Math.max(0, Math.floor((Date.parse(iso) - Date.now()) / 1000));
  return [Math.floor(left / 3600), Math.floor((left % 3600) / 60), left % 60]
    .map((n) => String(n).padStart(2, "0")).join(":");
}

export async function offer(root, p) {
  const a = (await api("GET", `/groupbuy/activities?product_id=${p.id}`)).items[0];
  if (!a || !a.skus.some((s) => s.stock > 0)) return;
  const price = a.leader_price_fen
    ? html` · 团长价 <b>${yuan(a.leader_price_fen)}</b>` : "";
  const section = document.createElement("div");
  section.className = "mk-buybox__groupbuy";
  section.dataset.mkGroupbuy = String(a.id);
  section.innerHTML = html`
    <p><span class="mk-buybox__badge">${a.badge}</span> 拼团价 <b>${yuan(a.group_price_fen)}</b>${raw(price)}</p>
    ${raw(a.open_groups.length ? html`<ul>${raw(a.open_groups.map((g) => html`
      <li>还差 ${g.seats_left} 人成团 · 剩余 <span data-expire="${g.expire_at}">${hms(g.expire_at)}</span>
        <a href="${orderLink(a, g.id)}" data-join>去参团</a></li>`).join(""))}</ul>` : "")}`;
  if (!document.getElementById("mk-gb-offer-style")) {
    document.head.insertAdjacentHTML("beforeend", html`<style id="mk-gb-offer-style">${raw(STYLE)}</style>`);
  }
  root.querySelector(".mk-buybox__main")?.after(section);
  const clocks = section.querySelectorAll("[data-expire]");
  if (clocks.length) {
    setInterval(() => clocks.forEach((c) => { c.textContent = hms(c.dataset.expire); }), 1000);
  }
  const buttons = root.querySelector(".mk-buybar__btns");
  if (!buttons) return;
  const open = document.createElement("a");
  open.className = "mk-buybar__group";
  open.href = orderLink(a);
  open.dataset.groupbuyOpen = "";
  open.innerHTML = html`<b>${yuan(a.leader_price_fen || a.group_price_fen)}</b> 开团`;
  buttons.append(open);
  const alone = buttons.querySelector('[data-act="buy"]');
  if (alone) alone.textContent = "单独购买";
  if (!a.allow_single_buy) buttons.querySelectorAll("button").forEach((b) => { b.hidden = true; });
}
