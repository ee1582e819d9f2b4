// x-ui "textarea": several lines of plain text, with a character counter when limited.
import { h } from "../dom.js";
import { withCounter } from "./counter.js";

export function render(field) {
  const area = h("textarea", { id: field.id, rows: 3, "aria-describedby": field.errorId });
  area.value = field.value ?? "";
  const counted = withCounter(area, field);
  const onInput = () => field.onChange(area.value, { coalesce: field.pointer });
  area.addEventListener("input", onInput);
  return {
    el: counted.el,
    read: () => area.value,
    update(value) {
      if (area.value !== (value ?? "")) { area.value = value ?? ""; counted.refresh(); }
    },
    validate: () => [],
    teardown() { area.removeEventListener("input", onInput); },
  };
}
