// The H5 group-buy pages: 拼团商品 (group and leader price per SKU, 去开团, open groups to
// join) and 拼团详情 (avatars, empty seats, countdown from expire_at, invite, join, leave).
// Everything goes through the JSON API; orders through the shop's checkout page with
// ?sku=&activity=groupbuy&activity_id=&group_id=. Every text is inserted escaped (html``).
import { BASE, api, html, problemText, raw, requireLogin, toast, yuan }
  from "../_shop-static/api.js";

const app = document.getElementById("app");
const done = () => app.querySelector(".loading")?.remove();

function checkoutLink(skuId, activityId, groupId) {
  const query = new URLSearchParams({ sku: skuId, qty: 1, activity: "groupbuy",
                                      activity_id: activityId });
  if (groupId) query.set("group_id", groupId);
  return `${app.dataset.checkout}?${query}`;
}

function countdown(node, iso) {
  const ends = Date.parse(iso);
  const tick = () => {
    const left = Math.max(0, Math.floor((ends - Date.now()) / 1000));
    node.textContent = [Math.floor(left / 3600), Math.floor((left % 3600) / 60), left % 60]
      .map((n) => String(n).padStart(2, "0")).join(":");
  };
  tick();
  setInterval(tick, 1000);
}

function seats(group) {
  const people = group.members.map((m) => html`<li title="${m.is_leader ? "团长" : m.nickname}">${raw(
    m.avatar_url ? html`<img src="${m.avatar_url}" alt="${m.nickname}">` : (m.virtual ? "拼" : "人"))}</li>`);
  const empty = Array.from({ length: group.seats_left }, () => "<li class=\"empty\">?</li>");
  return `<ul class="mk-seats">${people.join("")}${empty.join("")}</ul>`;
}

async function activityPage() {
  const a = await api("GET", `/groupbuy/activities/${app.dataset.activity}`);
  done();
  const sku = a.skus.find((s) => s.stock > 0) || a.skus[0];
  const state = { live: "", not_started: "未开始", ended: "已结束" }[a.state];
  app.innerHTML = html`
    <section class="card">
      ${raw(a.product?.cover ? html`<img src="${a.product.cover}" alt="" style="width:100%">` : "")}
      <h2><span class="tag">${a.badge}</span> ${a.product ? a.product.title : a.title}</h2>
      <p><strong>拼团价 ${yuan(a.group_price_fen)}</strong>
        ${raw(a.leader_price_fen ? html` · 团长价 ${yuan(a.leader_price_fen)}` : "")}
        ${raw(a.product ? html` <s class="muted">单买 ${yuan(a.product.price_fen)}</s>` : "")}</p>
      <p class="muted">${a.group_size}人成团 · 开团后 ${a.valid_hours} 小时内有效${state ? ` · ${state}` : ""}</p>
      <label>规格 <select data-sku>${raw(a.skus.map((s) => html`<option value="${s.sku_id}">${(s.spec_values || []).join(" / ") || "默认"} · ${yuan(s.group_price_fen)}（剩 ${s.stock}）</option>`).join(""))}</select></label>
      ${raw(a.state === "live" && sku ? html`<a class="primary button" data-open href="${checkoutLink(sku.sku_id, a.id)}">去开团</a>` : "")}
    </section>
    <section class="card"><h3>可直接参与的团</h3>${raw(a.open_groups.length ? a.open_groups.map((g) => html`
      <div class="row">${raw(seats(g))}<span>还差 ${g.seats_left} 人</span><a href="${BASE}/groupbuy/groups/${g.id}">去参团</a></div>`).join("") : "<p class=\"muted\">暂时没有，去开一个团吧</p>")}</section>`;
  app.querySelector("[data-sku]")?.addEventListener("change", (event) => {
    const open = app.querySelector("[data-open]");
    if (open) open.href = checkoutLink(event.target.value, a.id);
  });
}

async function groupPage() {
  const g = await api("GET", `/groupbuy/groups/${app.dataset.group}`);
  done();
  const a = g.activity;
  const text = { open: `拼团中，还差 ${g.seats_left} 人`, success: "拼团成功", failed: "拼团失败，已全额退款" }[g.status];
  const mine = g.mine && ["grouping", "success"].includes(g.mine.status);
  const sku = a.skus?.[0]?.sku_id;
  app.innerHTML = html`
    <section class="card">
      <h2><span class="tag">${a.badge}</span> ${a.product ? a.product.title : a.title}</h2>
      <p><strong>${text}</strong></p>
      ${raw(seats(g))}
      ${raw(g.status === "open" ? html`<p>剩余 <b data-countdown></b></p>` : "")}
      ${raw(g.status === "open" && mine ? html`<button class="primary" data-invite>邀请好友参团</button> <button data-leave>退出拼团</button>` : "")}
      ${raw(g.status === "open" && !mine ? html`<a class="primary button" data-join href="${BASE}/groupbuy/activities/${a.id}">参团 ${yuan(a.group_price_fen)}</a>` : "")}
      <p><a href="${app.dataset.api}/groupbuy/groups/${g.id}/share-card" target="_blank" rel="noopener">保存分享海报</a></p>
    </section>`;
  const clock = app.querySelector("[data-countdown]");
  if (clock) countdown(clock, g.expire_at);
  const join = app.querySelector("[data-join]");
  if (join && sku) join.href = checkoutLink(sku, a.id, g.id);
  if (join && !sku) {
    api("GET", `/groupbuy/activities/${a.id}`).then((detail) => {
      const first = detail.skus.find((s) => s.stock > 0);
      if (first) join.href = checkoutLink(first.sku_id, a.id, g.id);
    });
  }
  app.querySelector("[data-invite]")?.addEventListener("click", () => {
    const url = `${location.origin}${BASE}/groupbuy/groups/${g.id}`;
    if (navigator.share) navigator.share({ title: document.title, url });
    else navigator.clipboard?.writeText(url).then(() => toast("链接已复制"));
  });
  app.querySelector("[data-leave]")?.addEventListener("click", async () => {
    await requireLogin();
    try { await api("POST", `/groupbuy/groups/${g.id}/leave`); location.reload(); }
    catch (e) { toast(problemText(e)); }
  });
}

const pages = { "groupbuy-activity": activityPage, "groupbuy-group": groupPage };
pages[app.dataset.page]?.().catch((e) => { done(); app.innerHTML = html`<p class="error">${problemText(e)}</p>`; });
