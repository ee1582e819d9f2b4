// The H5 cart / checkout / orders / addresses / wallet pages. One module over api.js: it
// calls the same JSON API as the mini-program and renders into <main id="app">. Money is fen.

import {
  API, api, ApiError, BASE, download, html, problemText, raw, requireLogin, settle, SHOP, toast,
  yuan,
} from "./api.js";

const app = document.getElementById("app");
// A line's picture: the server's image_url (the same one the mini-program shows), or nothing.
const thumb = (line) => line.image_url
  ? html`<img class="thumb" src="${line.image_url}" alt="" loading="lazy">` : "";
const when = (iso) => iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "";

function done() { app.querySelector(".loading")?.remove(); }

// --- cart ------------------------------------------------------------------------------------

async function cartPage() {
  const render = (cart) => {
    done();
    const lines = cart.lines.map((line) => html`
      <li class="line${line.available ? "" : " unavailable"}" data-line="${line.id}">
        <input type="checkbox" data-select ${raw(line.selected ? "checked" : "")}
          ${raw(line.available ? "" : "disabled")} aria-label="选择">
        ${raw(thumb(line))}<div class="grow"><strong>${line.title}</strong> <span class="muted">${line.spec_text}</span>
          ${raw(line.issues.map((i) => html`<span class="issue">${i.label}</span>`).join(""))}
          ${raw(line.issues.some((i) => i.code === "price_changed")
            ? html`<button class="link" data-accept>按新价 ${yuan(line.unit_price_fen)} 购买</button>` : "")}
          <div class="row"><span class="price">${yuan(line.unit_price_fen)}</span>
            <span class="qty"><button data-step="-1" aria-label="减少">−</button><span>${line.qty}</span><button data-step="1" aria-label="增加">+</button></span>
            <button class="link" data-remove>删除</button></div></div></li>`).join("");
    app.innerHTML = cart.lines.length ? html`
      <ul class="lines">${raw(lines)}</ul>
      ${raw(cart.has_issues ? '<button class="link" data-clear>清空失效商品</button>' : "")}
      <footer class="total"><label><input type="checkbox" data-all ${raw(cart.lines.every((l) => l.selected || !l.available) ? "checked" : "")}> 全选</label>
        <span class="grow">合计 <strong>${yuan(cart.selected_total_fen)}</strong></span>
        <a class="primary button${cart.selected_count ? "" : " disabled"}" href="${app.dataset.checkout}">结算(${cart.selected_count})</a></footer>`
      : '<p class="empty">购物车是空的</p>';
  };
  const act = async (call) => {
    try { render(await call()); } catch (e) { toast(problemText(e)); }
  };
  app.addEventListener("click", (event) => {
    const li = event.target.closest("[data-line]");
    const id = li && Number(li.dataset.line);
    if (event.target.matches("[data-step]")) {
      const qty = Number(li.querySelector(".qty span").textContent) + Number(event.target.dataset.step);
      if (qty >= 1) act(() => api("PATCH", `/cart/items/${id}`, { qty }));
    } else if (event.target.matches("[data-remove]")) {
      act(() => api("DELETE", `/cart/items/${id}`));
    } else if (event.target.matches("[data-accept]")) {
      act(() => api("PATCH", `/cart/items/${id}`, { accept_price: true }));
    } else if (event.target.matches("[data-clear]")) {
      act(() => api("DELETE", "/cart/unavailable"));
    }
  });
  app.addEventListener("change", (event) => {
    if (event.target.matches("[data-select]")) {
      const id = Number(event.target.closest("[data-line]").dataset.line);
      act(() => api("PATCH", `/cart/items/${id}`, { selected: event.target.checked }));
    } else if (event.target.matches("[data-all]")) {
      act(() => api("POST", "/cart/select", { selected: event.target.checked }));
    }
  });
  await act(() => api("GET", "/cart"));
}

// --- checkout --------------------------------------------------------------------------------

async function pay(order, method) {
  const started = await api("POST", `/orders/${order.id}/pay`, { method });
  return settle(started, `${BASE}/orders/${order.id}?paid=1`);
}

/** The coupon row of the checkout: the usable coupons (the chosen one selected), or why none
 * can be used. ``coupons`` is the quote's ``extras.coupons`` (absent: the module is off). */
function couponPicker(coupons, chosen) {
  if (!coupons || !(coupons.usable.length || coupons.unusable.length)) return "";
  const options = coupons.usable.map((c) => html`<option value="${c.id}" ${raw(c.id === chosen ? "selected" : "")}>${c.name} -${yuan(c.discount_fen)}</option>`).join("");
  const none = html`<option value="" ${raw(chosen ? "" : "selected")}>${coupons.usable.length ? "不使用优惠券" : "暂无可用优惠券"}</option>`;
  const why = coupons.unusable.length ? html`<p class="muted">${coupons.unusable.length} 张不可用：${coupons.unusable[0].name}（${coupons.unusable[0].reason}）</p>` : "";
  return html`<label class="row"><span>优惠券</span><select data-coupon>${raw(none + options)}</select></label>${raw(why)}`;
}

async function checkoutPage() {
  await requireLogin();
  const buyNow = app.dataset.buyNow ? JSON.parse(app.dataset.buyNow) : null;
  const activity = app.dataset.activity ? JSON.parse(app.dataset.activity) : null;
  const options = await api("GET", "/checkout/options");
  const key = `h5-${crypto.randomUUID ? crypto.randomUUID() : Date.now() + Math.random()}`;
  const picked = new URLSearchParams(location.search).get("address");
  const state = {
    fulfilment: options.fulfilment[0] || "express", use_points: false, use_balance: false,
    address_id: picked ? Number(picked) : options.default_address?.id ?? null,
    pickup_point_id: options.pickup_points[0]?.id ?? null, remark: "",
    method: options.payment_methods[0] || "wechatpay",
    coupon_id: undefined,  // undefined: take the best one the quote tells; null: none
  };
  let quote = null;
  const body = () => ({
    ...(buyNow ? { source: "items", items: [buyNow] } : { source: "cart" }),
    ...(activity ? { activity } : {}),
    fulfilment: state.fulfilment, use_points: state.use_points,
    use_balance: state.method === "wallet", remark: state.remark,
    ...(state.coupon_id ? { coupon_id: state.coupon_id } : {}),
    ...(state.fulfilment === "pickup" ? { pickup_point_id: state.pickup_point_id }
      : state.address_id ? { address_id: state.address_id } : {}),
  });
  const labels = { express: "快递发货", pickup: "到店自提", local: "同城配送" };
  const methods = { wechatpay: "微信支付", wallet: "余额支付", cod: "货到付款" };
  const render = () => {
    done();
    const q = quote;
    const where = state.fulfilment === "pickup"
      ? html`<select data-point>${raw(options.pickup_points.map((p) => html`<option value="${p.id}" ${raw(p.id === state.pickup_point_id ? "selected" : "")}>${p.name} · ${p.address}</option>`).join(""))}</select>`
      : q.address ? html`<a class="card link-card" href="${app.dataset.addresses}"><strong>${q.address.name} ${q.address.phone}</strong><br>${q.address.province}${q.address.city}${q.address.district}${q.address.detail}</a>`
        : html`<a class="card link-card" href="${app.dataset.addresses}">+ 添加收货地址</a>`;
    app.innerHTML = html`
      <nav class="tabs">${raw(options.fulfilment.map((f) => html`<button data-fulfilment="${f}" class="${f === state.fulfilment ? "active" : ""}">${labels[f]}</button>`).join(""))}</nav>
      ${raw(where)}
      <ul class="lines">${raw(q.lines.map((l) => html`<li class="line">${raw(thumb(l))}<div class="grow"><strong>${l.title}</strong> <span class="muted">${l.spec_text}</span><div class="row"><span>${yuan(l.unit_price_fen)} × ${l.qty}</span><span>${yuan(l.payable_fen)}</span></div></div></li>`).join(""))}</ul>
      ${raw(q.unavailable_lines?.length ? html`<p class="muted">${q.unavailable_lines.length} 件商品不可购买，未计入</p>` : "")}
      <dl class="breakdown">
        <dt>商品金额</dt><dd>${yuan(q.goods_total_fen)}</dd>
        ${raw(q.adjustments.map((a) => html`<dt>${a.label}</dt><dd>-${yuan(a.amount_fen)}</dd>`).join(""))}
        <dt>运费</dt><dd>${yuan(q.shipping_fen)}</dd>
        <dt><strong>应付</strong></dt><dd><strong>${yuan(q.payable_fen)}</strong></dd>
      </dl>
      ${raw(activity ? "" : couponPicker(q.extras?.coupons, state.coupon_id))}
      ${raw(activity ? "" : html`<label class="row"><span>积分抵扣</span><input type="checkbox" data-points ${raw(state.use_points ? "checked" : "")}></label>`)}
      <label>支付方式 <select data-method>${raw(options.payment_methods.map((m) => html`<option value="${m}" ${raw(m === state.method ? "selected" : "")}>${methods[m]}</option>`).join(""))}</select></label>
      ${raw(q.balance_available_fen != null ? html`<p class="muted">余额 ${yuan(q.balance_available_fen)}</p>` : "")}
      <label>留言 <input data-remark maxlength="200" value="${state.remark}" placeholder="选填"></label>
      ${raw(q.errors.map((e) => html`<p class="error">${e.message}</p>`).join(""))}
      <footer class="total"><span class="grow">应付 <strong>${yuan(q.payable_fen)}</strong></span>
        <button class="primary" data-submit ${raw(q.errors.length ? "disabled" : "")}>提交订单</button></footer>`;
  };
  const requote = async () => {
    try {
      quote = await api("POST", "/checkout/quote", body());
      const best = quote.extras?.coupons?.best;
      if (state.coupon_id === undefined) {
        state.coupon_id = best ? best.id : null;
        if (best) { await requote(); return; }
      }
      render();
    }
    catch (e) { done(); app.innerHTML = html`<p class="error">${problemText(e)}</p>`; }
  };
  app.addEventListener("click", async (event) => {
    if (event.target.matches("[data-fulfilment]")) {
      state.fulfilment = event.target.dataset.fulfilment; requote();
    } else if (event.target.matches("[data-submit]")) {
      event.target.disabled = true;
      try {
        const order = await api("POST", "/orders", { quote_id: quote.quote_id },
          { "Idempotency-Key": key });
        const paid = order.status === "paid"
          || await pay(order, state.method).catch((e) => { toast(problemText(e)); return false; });
        location.href = `${app.dataset.orders}/${order.id}${paid ? "?paid=1" : ""}`;
      } catch (e) {
        toast(problemText(e));
        if (e.problem?.code === "quote_changed") requote(); else event.target.disabled = false;
      }
    }
  });
  app.addEventListener("change", (event) => {
    if (event.target.matches("[data-points]")) { state.use_points = event.target.checked; requote(); }
    if (event.target.matches("[data-method]")) { state.method = event.target.value; requote(); }
    if (event.target.matches("[data-point]")) { state.pickup_point_id = Number(event.target.value); requote(); }
    if (event.target.matches("[data-remark]")) { state.remark = event.target.value; requote(); }
    if (event.target.matches("[data-coupon]")) {
      state.coupon_id = event.target.value ? Number(event.target.value) : null; requote();
    }
  });
  await requote();
}

// --- orders ----------------------------------------------------------------------------------

function orderCard(o) {
  return html`<a class="card order-card" href="/s/${SHOP}/orders/${o.id}">
    <div class="row"><span class="muted">${o.order_no}</span><span class="status">${o.status_label}</span></div>
    ${raw(o.lines.map((l) => html`<div class="row">${raw(thumb(l))}<span class="grow">${l.title} <span class="muted">${l.spec_text}</span> ×${l.qty}</span></div>`).join(""))}
    <div class="row"><span class="muted">${when(o.created_at)}</span><strong>${yuan(o.payable_fen)}</strong></div></a>`;
}

async function ordersPage() {
  await requireLogin();
  const list = app.querySelector("[data-list]");
  let cursor = null;
  const status = app.dataset.status;
  const more = async () => {
    const page = await api("GET", `/orders?status=${status}${cursor ? `&cursor=${cursor}` : ""}`);
    done();
    app.querySelector("[data-more]")?.remove();
    list.insertAdjacentHTML("beforeend", page.items.map(orderCard).join("")
      || (cursor ? "" : '<p class="empty">暂无订单</p>'));
    cursor = page.next_cursor;
    if (cursor) list.insertAdjacentHTML("afterend", '<button class="link" data-more>加载更多</button>');
  };
  app.addEventListener("click", (event) => { if (event.target.matches("[data-more]")) more(); });
  await more();
}

/** The invoice the buyer asked for: its title, and once issued the number and the PDF. */
function invoiceCard(invoice) {
  if (!invoice) return "";
  const issued = invoice.number || invoice.pdf;
  return html`<section class="card" data-invoice><h2>发票</h2>
    <p>${invoice.type === "company" ? "企业" : "个人"} · ${invoice.title}${raw(invoice.tax_no ? html`<br><span class="muted">税号 ${invoice.tax_no}</span>` : "")}</p>
    ${raw(invoice.number ? html`<p>发票号码 ${invoice.number}</p>` : "")}
    ${raw(invoice.pdf ? '<button class="primary" data-invoice-pdf>下载发票 PDF</button>' : "")}
    ${raw(issued ? "" : '<p class="muted">商家开具后会在这里显示</p>')}</section>`;
}

async function orderPage() {
  await requireLogin();
  const id = app.dataset.orderId;
  const render = async () => {
    const o = await api("GET", `/orders/${id}`);
    let pickup = "";
    if (o.fulfilment === "pickup" && o.status === "paid") {
      const code = await api("GET", `/orders/${id}/pickup-code`);
      pickup = html`<section class="card center"><h2>提货码 ${code.code}</h2><div class="qr">${raw(code.qr_svg)}</div><p class="muted">到店出示给店员核销</p></section>`;
    }
    done();
    const a = o.address;
    app.innerHTML = html`
      <section class="card"><h2>${o.status_label}</h2>
        ${raw(o.status === "pending_payment" ? html`<p class="muted">请在 ${when(o.pay_deadline_at)} 前付款</p>` : "")}
        <p class="muted">订单号 ${o.order_no} · ${o.fulfilment_label}</p></section>
      ${raw(pickup)}
      ${raw(a ? html`<section class="card">${a.name} ${a.phone}<br>${a.province}${a.city}${a.district}${a.detail}</section>` : "")}
      ${raw(o.pickup_point ? html`<section class="card">自提点：${o.pickup_point.name} · ${o.pickup_point.address}</section>` : "")}
      <ul class="lines">${raw(o.lines.map((l) => html`<li class="line">${raw(thumb(l))}<div class="grow"><strong>${l.title}</strong> <span class="muted">${l.spec_text}</span><div class="row"><span>${yuan(l.unit_price_fen)} × ${l.qty}</span><span>${yuan(l.payable_fen)}</span></div>${raw(afterSaleLink(o, l))}</div></li>`).join(""))}</ul>
      ${raw(o.refund_status && o.refund_status !== "NONE" ? html`<p class="muted">${o.refund_status === "ALL" ? "已全部退款" : "部分退款"} ${yuan(o.refunded_fen)}</p>` : "")}
      <dl class="breakdown"><dt>商品金额</dt><dd>${yuan(o.goods_total_fen)}</dd>
        ${raw(o.pricing.adjustments.map((x) => html`<dt>${x.label}</dt><dd>-${yuan(x.amount_fen)}</dd>`).join(""))}
        <dt>运费</dt><dd>${yuan(o.shipping_fen)}</dd><dt><strong>实付</strong></dt><dd><strong>${yuan(o.payable_fen)}</strong></dd></dl>
      ${raw(invoiceCard(o.invoice))}
      ${raw(o.shipments.map((s) => html`<section class="card">${s.carrier_name || "配送"} ${s.tracking_no} ${s.courier_name} ${s.courier_phone}<br><span class="muted">${when(s.shipped_at)}</span></section>`).join(""))}
      <ol class="timeline">${raw(o.timeline.map((e) => html`<li>${when(e.at)} ${e.message || e.event}</li>`).join(""))}</ol>
      <footer class="total"><span class="grow"></span>
        ${raw(o.status === "pending_payment" ? '<button data-cancel>取消订单</button><button class="primary" data-pay>去付款</button>' : "")}
        ${raw(o.status === "shipped" ? '<button class="primary" data-confirm>确认收货</button>' : "")}
        ${raw(o.review?.to_review ? html`<a class="primary" href="${BASE}/reviews?order=${o.id}">去评价</a>` : "")}</footer>`;
  };
  app.addEventListener("click", async (event) => {
    try {
      if (event.target.matches("[data-invoice-pdf]")) {
        const o = await api("GET", `/orders/${id}`);
        await download(o.invoice.pdf.api_path, `发票-${o.order_no}.pdf`);
        return;
      }
      if (event.target.matches("[data-cancel]") && confirm("确定取消订单？")) {
        await api("POST", `/orders/${id}/cancel`, {});
      } else if (event.target.matches("[data-confirm]")) {
        await api("POST", `/orders/${id}/confirm-receipt`, {});
      } else if (event.target.matches("[data-pay]")) {
        const options = await api("GET", "/checkout/options");
        await pay({ id }, options.payment_methods[0]);
      } else return;
      await render();
    } catch (e) { toast(problemText(e)); }
  });
  await render();
}

// --- after-sales -----------------------------------------------------------------------------

const AFTERSALE_ORDER = ["paid", "shipped", "completed"];
const KINDS = { refund: "仅退款", return: "退货退款", exchange: "换货" };

// A line's after-sale entry on the order page: apply, or follow the open request.
function afterSaleLink(o, line) {
  const state = (o.aftersale_lines || {})[String(line.id)];
  if (state && state.open_aftersale_id) {
    return html`<a class="link" href="${BASE}/aftersales/${state.open_aftersale_id}">售后：${state.status_label}</a>`;
  }
  if (!AFTERSALE_ORDER.includes(o.status)) return "";
  const done = state && state.refunded_fen ? html`<span class="muted">已退 ${yuan(state.refunded_fen)}</span> ` : "";
  return html`${raw(done)}<a class="link" data-apply href="${BASE}/orders/${o.id}/aftersale?line=${line.id}">申请售后</a>`;
}

async function uploadPhoto(file) {
  const body = new FormData();
  body.append("file", file);
  const response = await fetch(`${API}/aftersales/photos`, {
    method: "POST", body, credentials: "same-origin",  // the login cookie
    headers: { Accept: "application/json" },
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

async function aftersaleApplyPage() {
  await requireLogin();
  const o = await api("GET", `/orders/${app.dataset.orderId}`);
  const line = o.lines.find((l) => String(l.id) === app.dataset.lineId) || o.lines[0];
  const state = (o.aftersale_lines || {})[String(line.id)] || { refunded_fen: 0 };
  const left = line.payable_fen - state.refunded_fen;
  // return and exchange only for a line that shipped (fulfilment's shipped_qty)
  const kinds = line.shipped_qty > 0 ? ["refund", "return", "exchange"] : ["refund"];
  const photos = [];  // {media_id, url}, shown as thumbnails, each removable
  done();
  app.innerHTML = html`
    <section class="card"><strong>${line.title}</strong> <span class="muted">${line.spec_text}</span>
      <p class="muted">实付 ${yuan(line.payable_fen)}，可退 ${yuan(left)}</p></section>
    <form class="card stack" data-apply-form>
      <label>售后类型 <select name="kind">${raw(kinds.map((k) => html`<option value="${k}">${KINDS[k]}</option>`).join(""))}</select></label>
      <label>退款金额（元） <input name="amount" inputmode="decimal" value="${(left / 100).toFixed(2)}"></label>
      <label>原因 <input name="reason" maxlength="80" required></label>
      <label>说明 <textarea name="description" maxlength="500" rows="3"></textarea></label>
      <label>凭证照片（最多 9 张） <input type="file" name="photo" accept="image/*" multiple></label>
      <div class="photo-list" data-photos></div>
      <p class="error" data-error></p>
      <button class="primary" type="submit">提交申请</button></form>`;
  const form = app.querySelector("[data-apply-form]");
  const shown = form.querySelector("[data-photos]");
  const showPhotos = () => {
    shown.innerHTML = photos.map((p, i) => html`<span class="photo-thumb"><img src="${p.url}" alt="凭证 ${i + 1}" width="64" height="64"><button type="button" class="photo-remove" data-remove="${i}" aria-label="删除凭证 ${i + 1}">×</button></span>`).join("");
    form.photo.disabled = photos.length >= 9;
  };
  shown.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (!button) return;
    photos.splice(Number(button.dataset.remove), 1);
    showPhotos();
  });
  form.photo.addEventListener("change", async () => {
    try {
      for (const file of [...form.photo.files].slice(0, 9 - photos.length)) {
        const photo = await uploadPhoto(file);
        photos.push({ media_id: photo.media_id, url: photo.url });
        showPhotos();
      }
    } catch (e) { toast(problemText(e)); }
    form.photo.value = "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = form.kind.value;
    const amount = kind === "exchange" ? 0 : Math.round(Number(form.amount.value) * 100);
    try {
      const made = await api("POST", "/aftersales", {
        order_id: o.id, line_id: line.id, kind, amount_fen: amount,
        reason: form.reason.value, description: form.description.value,
        images: photos.map((p) => ({ media_id: p.media_id })),
      });
      location.href = `${BASE}/aftersales/${made.id}`;
    } catch (e) { form.querySelector("[data-error]").textContent = problemText(e); }
  });
}

function aftersaleCard(a) {
  return html`<a class="card order-card" href="${BASE}/aftersales/${a.id}">
    <div class="row"><span class="muted">${a.no}</span><span class="status">${a.status_label}</span></div>
    <div class="row"><span class="grow">${a.kind_label} · ${a.line ? a.line.title : ""}</span><strong>${yuan(a.total_fen)}</strong></div></a>`;
}

async function aftersalesPage() {
  await requireLogin();
  const page = await api("GET", "/aftersales");
  done();
  app.querySelector("[data-list]").innerHTML = page.items.map(aftersaleCard).join("")
    || '<p class="empty">暂无售后</p>';
}

async function aftersalePage() {
  await requireLogin();
  const id = app.dataset.aftersaleId;
  const render = async () => {
    const a = await api("GET", `/aftersales/${id}`);
    done();
    const back = a.return_address;
    const canShip = a.status === "seller_agree";
    app.innerHTML = html`
      <section class="card"><h2 data-status>${a.status_label}</h2>
        <p class="muted">${a.kind_label} · ${a.no}</p>
        <p>退款 ${yuan(a.total_fen)}${a.freight_fen ? html`（含运费 ${yuan(a.freight_fen)}）` : ""}</p></section>
      ${raw(canShip && back ? html`<section class="card">请寄回：${back.name} ${back.phone}<br>${back.address}</section>` : "")}
      ${raw(canShip ? html`<form class="card stack" data-ship-form>
        <label>快递公司 <input name="carrier" maxlength="40" required></label>
        <label>运单号 <input name="tracking_no" maxlength="40" required></label>
        <button class="primary" type="submit">提交寄回信息</button></form>` : "")}
      ${raw(a.return_shipment ? html`<section class="card">已寄回：${a.return_shipment.carrier} ${a.return_shipment.tracking_no}</section>` : "")}
      ${raw(a.reship ? html`<section class="card">换货已发出：${a.reship.carrier} ${a.reship.tracking_no}</section>` : "")}
      <ol class="timeline">${raw(a.history.map((h) => html`<li>${when(h.at)} ${h.reason || h.event}</li>`).join(""))}</ol>
      ${raw(["apply", "seller_agree"].includes(a.status) ? '<footer class="total"><span class="grow"></span><button data-cancel-aftersale>撤销申请</button></footer>' : "")}`;
    app.querySelector("[data-ship-form]")?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      try {
        await api("POST", `/aftersales/${id}/return-shipment`,
          { carrier: form.carrier.value, tracking_no: form.tracking_no.value });
        await render();
      } catch (e) { toast(problemText(e)); }
    });
  };
  app.addEventListener("click", async (event) => {
    if (!event.target.matches("[data-cancel-aftersale]") || !confirm("确定撤销售后申请？")) return;
    try {
      await api("POST", `/aftersales/${id}/cancel`, {});
      await render();
    } catch (e) { toast(problemText(e)); }
  });
  await render();
}

// --- addresses -------------------------------------------------------------------------------

async function addressesPage() {
  await requireLogin();
  const fields = [["name", "收货人"], ["phone", "手机号"], ["province", "省"], ["city", "市"],
    ["district", "区"], ["detail", "详细地址"]];
  const render = async () => {
    const { items } = await api("GET", "/addresses");
    done();
    app.innerHTML = html`<ul class="lines">${raw(items.map((a) => html`
      <li class="line" data-address="${a.id}"><div class="grow">
        <strong>${a.name} ${a.phone}</strong>${raw(a.is_default ? ' <span class="issue">默认</span>' : "")}<br>
        ${a.province}${a.city}${a.district}${a.detail}
        <div class="row">${raw(app.dataset.pick ? '<button class="primary" data-use>使用</button>' : "")}
          ${raw(a.is_default ? "" : '<button class="link" data-default>设为默认</button>')}
          <button class="link" data-delete>删除</button></div></div></li>`).join(""))}</ul>
      <form class="card" data-new><h2>新增地址</h2>
        ${raw(fields.map(([n, label]) => html`<label>${label}<input name="${n}" ${raw(n === "district" ? "" : "required")}></label>`).join(""))}
        <label class="row"><span>设为默认</span><input type="checkbox" name="is_default"></label>
        <p class="error" data-error></p><button class="primary" type="submit">保存</button></form>`;
  };
  app.addEventListener("click", async (event) => {
    const li = event.target.closest("[data-address]");
    if (!li) return;
    const id = li.dataset.address;
    try {
      if (event.target.matches("[data-use]")) { location.href = `${app.dataset.checkout}?address=${id}`; return; }
      if (event.target.matches("[data-default]")) await api("POST", `/addresses/${id}/default`);
      else if (event.target.matches("[data-delete]")) await api("DELETE", `/addresses/${id}`);
      else return;
      await render();
    } catch (e) { toast(problemText(e)); }
  });
  app.addEventListener("submit", async (event) => {
    if (!event.target.matches("[data-new]")) return;
    event.preventDefault();
    const form = event.target;
    const body = Object.fromEntries(fields.map(([n]) => [n, form[n].value.trim()]));
    body.is_default = form.is_default.checked;
    try { await api("POST", "/addresses", body); await render(); }
    catch (e) { form.querySelector("[data-error]").textContent = problemText(e); }
  });
  await render();
}

// --- balance and points -----------------------------------------------------------------

const ENTRY_KINDS = { topup: "充值", pay: "余额支付", refund: "退款", adjust: "调整", payout: "退回本金", income: "佣金提现" };

async function walletPage() {
  await requireLogin();
  const returned = app.dataset.topup;
  const render = async (note = "") => {
    const [wallet, tiers] = await Promise.all([api("GET", "/me/wallet"), api("GET", "/wallet/tiers")]);
    done();
    app.innerHTML = html`
      <section class="card center"><p class="muted">账户余额</p><h2 data-balance>${yuan(wallet.balance_fen)}</h2>
        <p class="muted">本金 ${yuan(wallet.principal_fen)} · 赠送 ${yuan(wallet.bonus_fen)}</p>
        ${raw(note ? html`<p class="status" role="status">${note}</p>` : "")}</section>
      ${raw(tiers.enabled ? html`<section class="card"><h2>充值</h2>
        <div class="tiers">${raw(tiers.tiers.map((t) => html`<button type="button" data-amount="${t.pay_fen}">充 ${yuan(t.pay_fen)}${raw(t.bonus_fen ? html`<br><small>送 ${yuan(t.bonus_fen)}</small>` : "")}</button>`).join(""))}</div>
        ${raw(tiers.allow_custom_amount ? html`<form class="row" data-custom><input name="yuan" inputmode="decimal" aria-label="充值金额（元）" placeholder="其他金额（元）"><button class="primary" type="submit">充值</button></form>` : "")}
        <p class="error" data-error role="alert"></p></section>` : '<p class="muted center">本店暂未开放充值</p>')}
      <section class="card"><h2>余额明细</h2><ul class="ledger">${raw(wallet.entries.map((e) => html`<li class="row"><span>${ENTRY_KINDS[e.kind] || e.reason || e.kind}<br><span class="muted">${when(e.created_at)}</span></span><strong>${e.delta_fen > 0 ? "+" : ""}${yuan(e.delta_fen)}</strong></li>`).join("") || '<li class="muted">暂无记录</li>')}</ul></section>`;
  };
  const topUp = async (amount) => {
    try {
      const started = await api("POST", "/me/wallet/topups", { amount_fen: amount });
      const paid = await settle(started, `${BASE}/wallet?topup=${started.topup.id}`);
      await render(paid ? "充值成功" : "");
    } catch (e) {
      const box = app.querySelector("[data-error]");
      if (box) box.textContent = problemText(e); else toast(problemText(e));
    }
  };
  app.addEventListener("click", (event) => {
    const button = event.target.closest("[data-amount]");
    if (button) topUp(Number(button.dataset.amount));
  });
  app.addEventListener("submit", (event) => {
    if (!event.target.matches("[data-custom]")) return;
    event.preventDefault();
    const fen = Math.round(Number.parseFloat(event.target.yuan.value) * 100);
    if (fen > 0) topUp(fen);
    else app.querySelector("[data-error]").textContent = "请输入充值金额";
  });
  let note = "";
  if (returned) {
    const topup = await api("GET", `/me/wallet/topups/${returned}`);
    note = topup.status === "paid" ? `充值成功 +${yuan(topup.amount_fen + topup.bonus_fen)}` : "充值处理中，请稍后刷新";
  }
  await render(note);
}

async function pointsPage() {
  await requireLogin();
  const points = await api("GET", "/me/points");
  done();
  app.innerHTML = html`
    <section class="card center"><p class="muted">可用积分</p><h2 data-points>${points.balance}</h2>
      ${raw(points.expiring.map((x) => html`<p class="muted">${x.points} 积分将于 ${when(x.expires_at)} 过期</p>`).join(""))}</section>
    <section class="card"><h2>积分明细</h2><ul class="ledger">${raw(points.entries.map((e) => html`<li class="row"><span>${e.label || e.kind}<br><span class="muted">${when(e.created_at)}</span></span><strong>${e.delta > 0 ? "+" : ""}${e.delta}</strong></li>`).join("") || '<li class="muted">暂无记录</li>')}</ul></section>`;
}

// --- paid member cards ------------------------------------------------------------------

function benefitText(level) {
  if (!level) return "";
  const parts = [];
  if (level.discount_percent < 100) parts.push(`${level.discount_percent / 10}折`);
  if (level.free_shipping) parts.push("包邮");
  if (Number(level.points_multiplier) > 1) parts.push(`${level.points_multiplier}倍积分`);
  return [`${level.name}权益`, ...parts].join(" · ");
}

async function cardsPage() {
  await requireLogin();
  const render = async (note = "") => {
    const [me, { plans }, { levels }] = await Promise.all([
      api("GET", "/me"), api("GET", "/cards"), api("GET", "/levels")]);
    const byId = Object.fromEntries(levels.map((lv) => [lv.id, lv]));
    done();
    app.innerHTML = html`
      <section class="card center" data-mine>${raw(me.card
        ? html`<p class="muted">我的会员卡</p><h2>${me.card.name}</h2><p>${new Date(me.card.expires_at).toLocaleDateString("zh-CN")} 到期</p>`
        : '<p class="muted">还没有开通会员卡</p>')}
        <p class="muted">余额 ${yuan(me.wallet ? me.wallet.balance_fen : 0)} · <a href="${app.dataset.wallet}">去充值</a></p>
        ${raw(note ? html`<p class="status" role="status">${note}</p>` : "")}</section>
      ${raw(plans.map((p) => html`<section class="card" data-plan="${p.id}"><h2>${p.name}</h2>
        <p>${benefitText(byId[p.level_id])}</p>
        <div class="row"><span><strong class="price">${yuan(p.price_fen)}</strong> <span class="muted">/ ${p.days} 天</span></span>
          <button class="primary" type="button" data-buy="${p.id}">${me.card ? "续费" : "开通"}</button></div></section>`).join("")
        || '<p class="empty">本店暂未出售会员卡</p>')}
      <p class="error" data-error role="alert"></p>`;
  };
  const keys = {};  // one key per plan until it is bought: a retry never pays twice
  app.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-buy]");
    if (!button) return;
    const plan = button.dataset.buy;
    keys[plan] ||= `h5-card-${crypto.randomUUID ? crypto.randomUUID() : Date.now() + Math.random()}`;
    button.disabled = true;
    try {
      const card = await api("POST", "/me/cards", { plan_id: Number(plan) },
                             { "Idempotency-Key": keys[plan] });
      delete keys[plan];
      await render(`开通成功，${new Date(card.expires_at).toLocaleDateString("zh-CN")} 到期`);
    } catch (e) {
      button.disabled = false;
      app.querySelector("[data-error]").textContent = problemText(e);
    }
  });
  await render();
}

const pages = { cart: cartPage, checkout: checkoutPage, orders: ordersPage, order: orderPage,
  "aftersale-apply": aftersaleApplyPage, aftersales: aftersalesPage, aftersale: aftersalePage,
  addresses: addressesPage, wallet: walletPage, points: pointsPage, cards: cardsPage };
pages[app.dataset.page]?.().catch((e) => {
  done();
  app.insertAdjacentHTML("beforeend", html`<p class="error">${problemText(e)}</p>`);
});
