// The product page's group-buy part: while the product has a live group buy (GET
// groupbuy/activities?product_id=, cached a few seconds; 404 while the module is off), the
// buy box shows the N人团 badge, the group and leader price, the open groups to join, and a
// 开团 button beside 单独购买 (hidden when the activity sells only in groups). Both lead to
// the group-buy order path: checkout with activity=groupbuy (and group_id to join), or the
// activity page to pick a SKU first.
import { api, BASE, html, raw, yuan } from "./api.js";

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

export async function groupbuyOffer(root, productId) {
  let a;
  try {
    a = (await api("GET", `/groupbuy/activities?product_id=${productId}`)).items[0];
  } catch { return; } // the module is off for this shop
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
