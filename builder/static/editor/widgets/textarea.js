// x-ui "textarea": several lines of plain text.
import { h } from "../dom.js";

export function render(field) {
  const area = h("textarea", { id: field.id, rows: 3, maxlength: field.schema.maxLength,
    "aria-describedby": field.errorId });
  area.value = field.value ?? "";
  const onInput = () => field.onChange(area.value, { coalesce: field.pointer });
  area.addEventListener("input", onInput);
  return {
    el: area,
    read: () => area.value,
    update(value) { if (area.value !== (value ?? "")) area.value = value ?? ""; },
    validate: () => [],
    teardown() { area.removeEventListener("input", onInput); },
  };
}
