// The H5 bargain pages: 砍价商品 (start and floor price, rules, 发起砍价) and 砍价详情 (price,
// progress bar, helpers list, countdown, share link; the launcher buys through the shop's
// checkout with ?sku=&activity=bargain&activity_id=<launch>, a friend cuts with 帮砍一刀).
// Everything goes through the JSON API; every text is inserted escaped (html``).
import { BASE, api, html, problemText, raw, requireLogin, toast, yuan }
  from "../_shop-static/api.js";

const app = document.getElementById("app");
const done = () => app.querySelector(".loading")?.remove();

function countdownText(seconds) {
  const left = Math.max(0, Math.floor(seconds));
  return [Math.floor(left / 3600), Math.floor((left % 3600) / 60), left % 60]
    .map((n) => String(n).padStart(2, "0")).join(":");
}

function countdown(node, iso) {
  const ends = Date.parse(iso);
  const tick = () => { node.textContent = countdownText((ends - Date.now()) / 1000); };
  tick();
  setInterval(tick, 1000);
}

async function activityPage() {
  const a = await api("GET", `/bargain/activities/${app.dataset.activity}`);
  done();
  const state = { live: "", not_started: "未开始", ended: "已结束" }[a.state];
  app.innerHTML = html`
    <section class="card">
      ${raw(a.product?.cover ? html`<img src="${a.product.cover}" alt="" style="width:100%">` : "")}
      <h2><span class="tag">砍价</span> ${a.product ? a.product.title : a.title}</h2>
      <p><strong>最低可砍至 ${yuan(a.floor_price_fen)}</strong> <s class="muted">${yuan(a.start_price_fen)}</s></p>
      <p class="muted">${a.helpers_needed} 刀砍到底 · 发起后 ${a.valid_hours} 小时内有效 · 剩 ${a.stock} 件${state ? ` · ${state}` : ""}</p>
      <p class="muted">${a.floor_only ? "砍到底价才能购买" : "砍到任意价格都可购买"}</p>
      <p class="muted">${a.rules_text}</p>
      ${raw(a.state === "live" && a.stock > 0 ? "<button class=\"primary\" data-launch>发起砍价</button>" : "")}
    </section>`;
  app.querySelector("[data-launch]")?.addEventListener("click", async () => {
    await requireLogin();
    try {
      const launch = await api("POST", "/bargain/launches", { activity_id: a.id });
      location.href = `${BASE}/bargain/launches/${launch.id}`;
    } catch (e) { toast(problemText(e)); }
  });
}

function helpersList(helpers) {
  if (!helpers.length) return "<p class=\"muted\">还没有好友帮砍</p>";
  return `<ul class="mk-helpers">${helpers.map((h) => html`<li>${raw(h.avatar_url ? html`<img src="${h.avatar_url}" alt="" width="24" height="24">` : "")}
    ${h.is_launcher ? "自己" : (h.nickname || "好友")} 砍掉 <b>${yuan(h.amount_fen)}</b></li>`).join("")}</ul>`;
}

async function launchPage() {
  const l = await api("GET", `/bargain/launches/${app.dataset.launch}`);
  done();
  const a = l.activity;
  const open = ["cutting", "floor"].includes(l.status) && !l.order_id;
  const canBuy = l.mine && open && (!a.floor_only || l.status === "floor");
  const buy = new URLSearchParams({ sku: l.sku_id, qty: 1, activity: "bargain", activity_id: l.id });
  app.innerHTML = html`
    <section class="card">
      <h2><span class="tag">砍价</span> ${a.product ? a.product.title : a.title}</h2>
      <p>${l.mine ? "我发起的砍价" : `${l.launcher.nickname || "好友"} 请你帮砍一刀`} · <b>${l.status_text}</b></p>
      <p>当前价 <strong>${yuan(l.price_fen)}</strong> · 已砍 ${yuan(l.cut_fen)} · 还差 ${yuan(l.left_fen)} 到底价 ${yuan(l.floor_price_fen)}</p>
      <div class="mk-progress" role="progressbar" aria-valuenow="${l.percent}" aria-valuemin="0" aria-valuemax="100"><span style="display:block;height:8px;background:var(--mk-color-primary,#ee0a24);width:${l.percent}%"></span></div>
      <p class="muted">${l.cuts}/${l.helpers_needed} 刀</p>
      ${raw(open ? html`<p>剩余 <b data-countdown></b></p>` : "")}
      ${raw(canBuy ? html`<a class="primary button" data-buy href="${app.dataset.checkout}?${buy}">${yuan(l.price_fen)} 立即购买</a>` : "")}
      ${raw(l.mine && open ? "<button data-share>邀请好友帮砍</button>" : "")}
      ${raw(!l.mine && l.status === "cutting" && !l.helped ? "<button class=\"primary\" data-help>帮砍一刀</button>" : "")}
      ${raw(!l.mine && l.helped ? "<p class=\"muted\">你已帮砍过</p>" : "")}
      ${raw(!l.mine ? html`<a class="button" href="${BASE}/bargain/activities/${a.id}">我也要砍价</a>` : "")}
    </section>
    <section class="card"><h3>好友帮砍</h3>${raw(helpersList(l.helpers))}</section>`;
  const clock = app.querySelector("[data-countdown]");
  if (clock) countdown(clock, l.expire_at);
  app.querySelector("[data-share]")?.addEventListener("click", () => {
    const url = `${location.origin}${l.share.h5_path}`;
    if (navigator.share) navigator.share({ title: l.share.title, url });
    else navigator.clipboard?.writeText(url).then(() => toast("链接已复制，发给好友帮砍"));
  });
  app.querySelector("[data-help]")?.addEventListener("click", async () => {
    await requireLogin();
    try {
      const cut = await api("POST", `/bargain/launches/${l.id}/help`);
      toast(`帮砍成功，砍掉 ${yuan(cut.amount_fen)}`);
      setTimeout(() => location.reload(), 800);
    } catch (e) { toast(problemText(e)); }
  });
}

const pages = { "bargain-activity": activityPage, "bargain-launch": launchPage };
pages[app?.dataset.page]?.().catch((e) => { done(); app.innerHTML = html`<p class="error">${problemText(e)}</p>`; });
