// A setting whose widget this editor does not know (or a shape it cannot edit): shown read-only
// and kept exactly as stored, never dropped.
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function render(field) {
  let value = field.value;
  const pre = h("pre", { class: "ed-json", id: field.id, text: JSON.stringify(value, null, 2) });
  return {
    el: h("div", { class: "ed-json-wrap" }, [pre, h("p", { class: "ed-hint", text: t("widget.kept") })]),
    read: () => value,
    update(next) { value = next; pre.textContent = JSON.stringify(next, null, 2); },
    validate: () => [],
    teardown() {},
  };
}
