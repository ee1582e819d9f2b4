// What the H5 pages share: the shop's JSON API (the same one the mini-program calls) with the
// member's login in an HttpOnly cookie (set by the H5 phone login; scripts never see the
// token, only a "logged in" flag in localStorage) and the guest cart token,
// problem+json errors, the phone-login sheet, a toast, money in fen, and safe HTML templates.
// The shop comes from this module's own URL (/s/<shop>/_shop-static/api.js).

export const SHOP = decodeURIComponent(new URL(import.meta.url).pathname.split("/")[2]);
export const API = `/api/v1/shops/${encodeURIComponent(SHOP)}`;
export const BASE = `/s/${encodeURIComponent(SHOP)}`;
export const MEMBER_KEY = `mallkit:${SHOP}:member`;
const GUEST_KEY = `mallkit:${SHOP}:cart`;
localStorage.removeItem(`mallkit:${SHOP}:token`);  // where older versions kept the token

export const yuan = (fen) => `¥${(fen / 100).toFixed(2)}`;
export const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => (
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
/** A tagged template that escapes every value except those wrapped in raw(). */
export const html = (strings, ...values) => strings.reduce(
  (out, s, i) => out + s + (i < values.length ? (values[i]?.raw ?? esc(values[i])) : ""), "");
export const raw = (value) => ({ raw: value });

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const loggedIn = () => localStorage.getItem(MEMBER_KEY) === "1";

export async function api(method, path, body, headers = {}) {
  const member = loggedIn();
  const guest = localStorage.getItem(GUEST_KEY);
  const response = await fetch(API + path, {
    method,
    credentials: "same-origin",
    headers: {
      Accept: "application/json",
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(guest ? { "X-Cart-Token": guest } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) localStorage.removeItem(MEMBER_KEY);
  if (!response.ok) throw new ApiError(response.status, data);
  if (data && "guest_token" in data) {
    if (data.guest_token) localStorage.setItem(GUEST_KEY, data.guest_token);
    else if (member) localStorage.removeItem(GUEST_KEY); // merged into the member's cart
  }
  return data;
}

/** Download a file the API serves only to this member (an invoice PDF): fetched with the
 * login cookie, then saved through a temporary object URL. */
export async function download(path, filename) {
  const response = await fetch(API + path, { credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Log out: the server revokes the token and clears the cookie. */
export async function logout() {
  try { await api("POST", "/auth/logout", {}); } finally { localStorage.removeItem(MEMBER_KEY); }
}

export function problemText(error) {
  const errors = error.problem?.errors;
  if (errors?.length) return errors.map((e) => e.message).join("；");
  return error.message;
}

export function toast(message) {
  const box = document.createElement("div");
  box.className = "mk-toast";
  box.setAttribute("role", "status");
  box.textContent = message;
  document.body.append(box);
  setTimeout(() => box.remove(), 2600);
}

/** A modal <dialog> (Esc closes it, focus stays inside) with a close button and a body. */
export function sheet(title, className = "") {
  const dialog = document.createElement("dialog");
  dialog.className = `mk-sheet ${className}`;
  dialog.setAttribute("aria-label", title);
  dialog.innerHTML = html`<div class="mk-sheet__head"><h2>${title}</h2>
    <button type="button" class="mk-sheet__close" aria-label="关闭">×</button></div>
    <div class="mk-sheet__body"></div>`;
  dialog.querySelector(".mk-sheet__close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  return { dialog, body: dialog.querySelector(".mk-sheet__body") };
}

/** Ask the SMS gateway for a one-time login code for ``phone``. */
export const sendCode = (phone) => api("POST", "/auth/h5/code", { phone: phone.trim() });

/** Log in with phone + one-time code (the HttpOnly cookie), merge the guest cart into the
 * member's and dispatch "mallkit:login" (referral.js binds a share code, blocks re-read). */
export async function logIn(phone, code) {
  await api("POST", "/auth/h5", { phone: phone.trim(), code: code.trim(), session: "cookie" });
  localStorage.setItem(MEMBER_KEY, "1");
  const guest = localStorage.getItem(GUEST_KEY);
  if (guest) await api("POST", "/cart/merge", { guest_token: guest });
  window.dispatchEvent(new Event("mallkit:login"));
}

/** Resolves once the shopper is logged in, asking for phone + one-time code when needed. */
export function requireLogin() {
  if (loggedIn()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const { dialog, body } = sheet("手机号登录", "mk-login");
    body.innerHTML = `<form data-login>
      <label>手机号<input name="phone" inputmode="tel" autocomplete="tel" required></label>
      <label>验证码<span class="mk-row"><input name="code" inputmode="numeric" autocomplete="one-time-code">
        <button type="button" data-send-code>获取验证码</button></span></label>
      <p class="mk-error" data-login-error role="alert"></p>
      <button class="mk-primary" type="submit">登录</button></form>`;
    const form = body.querySelector("form");
    const error = body.querySelector("[data-login-error]");
    let done = false;
    body.querySelector("[data-send-code]").addEventListener("click", async () => {
      try {
        await sendCode(form.phone.value);
        error.textContent = "验证码已发送";
      } catch (e) { error.textContent = problemText(e); }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await logIn(form.phone.value, form.code.value);
        done = true;
        dialog.close();
        resolve();
      } catch (e) { error.textContent = problemText(e); }
    });
    dialog.addEventListener("close", () => { if (!done) reject(new ApiError(401, { detail: "请先登录" })); });
    dialog.showModal();
    form.phone.focus();
  });
}

/** Pay with what ``POST .../pay`` or a top-up answered: WeChat Pay H5 (a redirect to the
 * cashier, which comes back to ``returnTo``), JSAPI inside WeChat, or the local simulator's
 * ``wx.requestPayment`` stand-in. Resolves true when paid here and now. */
export async function settle(started, returnTo) {
  if (started.paid) return true;
  if (started.h5_url) {
    const target = new URL(started.h5_url, location.href);
    target.searchParams.set("redirect_url", new URL(returnTo, location.href).href);
    location.href = target.href;
    return new Promise(() => {});  // the page is leaving
  }
  const params = started.request_payment;
  if (started.simulated) {
    const answer = await fetch("/_sim/wechatpay/sim/request-payment", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(params) });
    return answer.ok;
  }
  if (window.WeixinJSBridge) {
    return new Promise((resolve) => window.WeixinJSBridge.invoke(
      "getBrandWCPayRequest", params, (res) => resolve(res.err_msg === "get_brand_wcpay_request:ok")));
  }
  toast("请在微信中打开以使用微信支付");
  return false;
}
