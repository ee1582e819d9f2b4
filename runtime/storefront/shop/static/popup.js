// The page's popup ad (首页弹窗): shown when due on this device and remembered in localStorage
// by its key (shop, page, content): "always" every visit, "once" never again, "daily" not again
// on the same local calendar day. The clock is Date.now(), so tests can install their own.

export function due(frequency, lastShown, now) {
  if (frequency === "always" || lastShown === null) return true;
  if (frequency === "once") return false;
  const last = new Date(lastShown);
  const today = new Date(now);
  return last.getFullYear() !== today.getFullYear() || last.getMonth() !== today.getMonth()
    || last.getDate() !== today.getDate();
}

const dialog = document.querySelector("dialog[data-mk-popup]");
if (dialog) {
  const key = `mallkit:popup:${dialog.dataset.mkPopup}`;
  const stored = Number(localStorage.getItem(key));
  const now = Date.now();
  if (due(dialog.dataset.frequency, stored > 0 ? stored : null, now)) {
    localStorage.setItem(key, String(now));
    dialog.showModal();
  }
  dialog.querySelector(".mk-popup__close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
}
