// The H5 seckill page: GET seckill/activities/<id> (price, state, window, sold, the server's
// now), a countdown from the server's clock, 马上抢 = the order token (only once the slot
// opens), POST seckill/orders (202 + ticket), the ticket polled until the order exists, then
// the order page to pay; a share button copies the page's link.

import { api, BASE, html, problemText, raw, requireLogin, toast, yuan } from "../_shop-static/api.js";
import { label, tick } from "./clock.js";

const app = document.getElementById("app");
const activityId = Number(app.dataset.activity);
const wanted = Number(app.dataset.sku);

async function waitFor(ticket) {
  for (let i = 0; i < 40; i += 1) {
    const t = await api("GET", `/seckill/tickets/${ticket}`);
    if (t.status !== "queued") return t;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { status: "queued" };
}

async function seckillPage() {
  const a = await api("GET", `/seckill/activities/${activityId}`);
  const sku = a.skus.find((s) => s.sku_id === wanted) || a.skus[0];
  const percent = sku.stock ? Math.floor((sku.sold * 100) / sku.stock) : 0;
  app.querySelector(".loading")?.remove();
  app.insertAdjacentHTML("beforeend", html`
    <section class="card"><p><strong class="price" data-price>${yuan(sku.seckill_price_fen)}</strong>
      <s class="muted">${yuan(sku.price_fen)}</s> <span class="muted" data-clock></span></p>
      <h2>${sku.title} <span class="muted">${sku.spec_text}</span></h2>
      <p class="muted">已抢 ${percent}%，剩余 ${sku.left} 件，每人限购 ${sku.per_user_limit} 件</p>
      <p class="row"><button class="link" data-share>分享</button>
        <button class="primary button" data-buy ${raw(a.state === "running" && sku.left > 0 ? "" : "disabled")}>${a.state === "running" ? (sku.left > 0 ? "马上抢" : "已抢光") : (a.state === "not_started" ? "即将开始" : "已结束")}</button></p>
      <p class="error" data-error></p></section>`);
  const clock = app.querySelector("[data-clock]");
  tick(a.now, (now) => { clock.textContent = label(a, now); });
  app.querySelector("[data-share]").addEventListener("click", async () => {
    await navigator.clipboard?.writeText(location.href);
    toast("链接已复制，快分享给好友");
  });
  app.querySelector("[data-buy]").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await requireLogin();
      const { token } = await api("GET", `/seckill/activities/${activityId}/token`);
      const queued = await api("POST", "/seckill/orders",
        { activity_id: activityId, sku_id: sku.sku_id, qty: 1, token });
      const done = await waitFor(queued.ticket);
      if (done.status === "created") location.href = `${BASE}/orders/${done.order_id}`;
      else app.querySelector("[data-error]").textContent = done.status === "failed" ? "没抢到，请稍后再试" : "排队中，请稍后查看订单";
    } catch (error) {
      app.querySelector("[data-error]").textContent = problemText(error);
    }
    event.target.disabled = false;
  });
}

seckillPage().catch((error) => {
  app.querySelector(".loading")?.remove();
  app.insertAdjacentHTML("beforeend", html`<p class="error">${problemText(error)}</p>`);
});
