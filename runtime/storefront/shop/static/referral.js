// Share links: a `from=<distributor code>` (分销) or `invite=<invite code>` (邀请有礼) on any
// storefront page is remembered on this device ("mallkit:<shop>:<param>") and bound (POST
// /distribution/bind, /invite/bind) once the shopper is logged in: at once when they already
// are, right after a login on this page (the "mallkit:login" event that the login sheet and
// the login forms of blocks dispatch), or on the next page they open. A code is forgotten
// after any answer but 401 (bound, kept the existing one, unknown code, module off), so it is
// sent once.

import { api, loggedIn, SHOP } from "./api.js";

const SHARES = [{ param: "from", path: "/distribution/bind" },
                { param: "invite", path: "/invite/bind" }];
const query = new URLSearchParams(location.search);
const sending = {};

for (const { param } of SHARES) {
  const code = query.get(param);
  if (code && /^[A-Za-z0-9]{1,16}$/.test(code)) localStorage.setItem(`mallkit:${SHOP}:${param}`, code);
}

function bindOne({ param, path }) {
  const key = `mallkit:${SHOP}:${param}`;
  const pending = localStorage.getItem(key);
  if (!pending || !loggedIn() || sending[param]) return sending[param] || Promise.resolve();
  sending[param] = api("POST", path, { code: pending })
    .then(() => localStorage.removeItem(key),
      (e) => { if (e.status !== 401) localStorage.removeItem(key); })
    .finally(() => { sending[param] = null; });
  return sending[param];
}

export function bindReferral() {
  return Promise.all(SHARES.map(bindOne));
}

window.addEventListener("mallkit:login", bindReferral);
bindReferral();
