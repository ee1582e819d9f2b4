// x-ui "toggle": an on/off switch.
import { h } from "../dom.js";

export function render(field) {
  const box = h("input", { type: "checkbox", role: "switch", id: field.id, class: "ed-switch-input",
    "aria-describedby": field.errorId });
  box.checked = Boolean(field.value);
  const onChange = () => field.onChange(box.checked);
  box.addEventListener("change", onChange);
  return {
    el: h("label", { class: "ed-switch" }, [box, h("span", { class: "ed-switch-track", "aria-hidden": "true" })]),
    read: () => box.checked,
    update(value) { box.checked = Boolean(value); },
    validate: () => [],
    teardown() { box.removeEventListener("change", onChange); },
    inline: true,
  };
}
