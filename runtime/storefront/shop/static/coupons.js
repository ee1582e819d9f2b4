// The coupon blocks on H5 (coupon strip, coupon centre): the page is cached for everyone, so
// whether this shopper holds a coupon comes from GET /coupons (short-cached, private); a tap on
// 领取 claims it (asking for the phone login first when needed).
import { api, loggedIn, problemText, requireLogin, toast } from "./api.js";

const sections = [...document.querySelectorAll("[data-coupons]")];

function mark(item, state) {
  if (!state) return;
  item.classList.toggle("mk-coupon--claimed", state.claimed);
  const button = item.querySelector("[data-claim]");
  if (!button) return;
  button.textContent = state.claimed ? (state.can_claim ? "再领一张" : "已领取")
    : (state.can_claim ? "领取" : "已抢光");
  button.disabled = !state.can_claim;
}

/** ``fresh``: after a claim, past the browser's short cache of the state. */
async function refresh(fresh = false) {
  const ids = [...new Set(sections.flatMap((s) => [...s.querySelectorAll("[data-coupon-id]")]
    .map((item) => item.dataset.couponId)))];
  if (!ids.length) return;
  const { items } = await api("GET", `/coupons?ids=${ids.join(",")}${fresh ? `&at=${Date.now()}` : ""}`);
  const states = Object.fromEntries(items.map((c) => [String(c.id), c]));
  for (const item of document.querySelectorAll("[data-coupon-id]")) mark(item, states[item.dataset.couponId]);
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-claim]");
  if (!button || !button.closest("[data-coupons]")) return;
  const item = button.closest("[data-coupon-id]");
  button.disabled = true;
  try {
    if (!loggedIn()) await requireLogin();
    await api("POST", `/coupons/${item.dataset.couponId}/claim`);
    toast("领取成功");
  } catch (e) {
    toast(problemText(e));
  }
  await refresh(true).catch(() => {});
});

if (sections.length) refresh().catch(() => {});
