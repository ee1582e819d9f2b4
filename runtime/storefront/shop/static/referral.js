// 分销 share links: a `from=<distributor code>` on any storefront page is remembered on this
// device ("mallkit:<shop>:from") and bound (POST /distribution/bind) once the shopper is
// logged in: at once when they already are, right after a login on this page (the
// "mallkit:login" event that the login sheet and the login forms of blocks dispatch), or on
// the next page they open. The code is forgotten after any answer but 401 (bound, kept the
// existing referrer, unknown code, module off), so it is sent once.

import { api, loggedIn, SHOP } from "./api.js";

const KEY = `mallkit:${SHOP}:from`;
const code = new URLSearchParams(location.search).get("from");
if (code && /^[A-Za-z0-9]{1,16}$/.test(code)) localStorage.setItem(KEY, code);

let sending = null;

export function bindReferral() {
  const pending = localStorage.getItem(KEY);
  if (!pending || !loggedIn() || sending) return sending || Promise.resolve();
  sending = api("POST", "/distribution/bind", { code: pending })
    .then(() => localStorage.removeItem(KEY),
      (e) => { if (e.status !== 401) localStorage.removeItem(KEY); })
    .finally(() => { sending = null; });
  return sending;
}

window.addEventListener("mallkit:login", bindReferral);
bindReferral();
