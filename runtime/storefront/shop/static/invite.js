// The invite block on H5 (邀请有礼): the page is cached for everyone, so the shopper's code,
// link, QR code and counts come from GET /invite/me (private, short-cached); the button copies
// the invite link (asking for the phone login first when needed). Binding an opened invite
// link is referral.js's work.
import { api, loggedIn, problemText, requireLogin, toast } from "./api.js";

const sections = [...document.querySelectorAll("[data-invite]")];
let mine = null;

function show(me) {
  mine = me;
  for (const root of sections) {
    root.querySelector("[data-invite-mine]").hidden = false;
    root.querySelector("[data-invite-code]").textContent = me.code;
    root.querySelector("[data-invite-count]").textContent = me.invited;
    root.querySelector("[data-invite-points]").textContent = me.points_earned;
    const qr = root.querySelector("[data-invite-qr]");
    if (root.dataset.showQr === "1" && me.qr) { qr.src = me.qr; qr.hidden = false; }
  }
}

async function load() {
  if (loggedIn()) show(await api("GET", "/invite/me"));
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-invite-copy]");
  if (!button || !button.closest("[data-invite]")) return;
  try {
    if (!loggedIn()) await requireLogin();
    if (!mine) await load();
    await navigator.clipboard.writeText(mine.link);
    toast("邀请链接已复制，发给好友吧");
  } catch (e) {
    toast(e && e.status ? problemText(e) : `邀请链接：${mine ? mine.link : ""}`);
  }
});

if (sections.length) load().catch(() => {});
