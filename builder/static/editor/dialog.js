// Modal dialogs (<dialog>), confirmations and toasts, all keyboard-friendly.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

/** Open a modal; returns {dialog, body, foot, close(value), closed: Promise}. */
export function modal({ title, wide = false, className = "" }) {
  let resolve;
  const closed = new Promise((r) => { resolve = r; });
  const body = h("div", { class: "ed-modal-body" });
  const foot = h("div", { class: "ed-modal-foot" });
  const dialog = h("dialog", { class: `ed-modal${wide ? " wide" : ""} ${className}`.trim(),
    "aria-label": title });
  let result = null;
  const close = (value = null) => { result = value; if (dialog.open) dialog.close(); };
  dialog.append(h("div", { class: "ed-modal-head" }, [
    h("h2", { text: title }),
    h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.close"),
      onclick: () => close(null) }, [icon("close")]),
  ]), body, foot);
  dialog.addEventListener("close", () => { dialog.remove(); resolve(result); });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, foot, close, closed };
}

/** Ask a yes/no question; resolves true when confirmed. */
export function confirm({ title, message, ok, danger = false }) {
  const m = modal({ title });
  m.body.append(h("p", { text: message }));
  m.foot.append(
    h("button", { type: "button", class: "btn", text: t("action.cancel"), onclick: () => m.close(false) }),
    h("button", { type: "button", class: `btn ${danger ? "danger-fill" : "primary"}`, text: ok || t("action.ok"),
      "data-confirm-ok": "", onclick: () => m.close(true) }));
  m.foot.lastChild.focus();
  return m.closed.then((v) => v === true);
}

let toastHost = null;

/** A short message at the bottom of the editor. kind: info | success | error. */
export function toast(message, { kind = "info", action = null, timeout = 4000 } = {}) {
  if (!toastHost) {
    toastHost = h("div", { class: "ed-toasts", role: "status", "aria-live": "polite" });
    document.body.append(toastHost);
  }
  const node = h("div", { class: `ed-toast ${kind}` }, [h("span", { text: message })]);
  if (action) {
    node.append(h("button", { type: "button", class: "ed-link-btn", text: action.label,
      onclick: () => { action.run(); node.remove(); } }));
  }
  toastHost.append(node);
  if (timeout) setTimeout(() => node.remove(), timeout);
  return node;
}
