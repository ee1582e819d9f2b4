// A character counter under a text control with a maxLength: "12/20", and "超出 3 字" when the
// text is longer. The control has no maxlength attribute, so pasted text is never cut
// silently; the schema check marks the field until the merchant shortens it.
import { h } from "../dom.js";
import { t } from "../i18n.js";

/** Characters as JSON Schema counts them (code points, not UTF-16 units). */
export const length = (text) => [...(text || "")].length;

export function withCounter(control, field) {
  const max = field.schema.maxLength;
  if (!Number.isInteger(max)) return { el: control, refresh() {} };
  const counter = h("span", { class: "ed-counter", "aria-live": "polite" });
  const refresh = () => {
    const n = length(control.value);
    counter.classList.toggle("over", n > max);
    counter.textContent = n > max ? t("counter.over", { n: n - max, max }) : `${n}/${max}`;
  };
  refresh();
  control.addEventListener("input", refresh);
  return { el: h("div", { class: "ed-counted" }, [control, counter]), refresh };
}
