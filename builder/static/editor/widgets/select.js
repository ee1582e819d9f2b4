// x-ui "select": a drop-down of the schema's enum values.
import { h } from "../dom.js";
import { optionLabel, optionsOf } from "./options.js";

export function render(field) {
  const values = optionsOf(field.schema);
  const select = h("select", { id: field.id, "aria-describedby": field.errorId },
    values.map((v, i) => h("option", { value: String(i), text: optionLabel(field.schema, v) })));
  const index = () => values.findIndex((v) => v === field.value);
  select.value = String(Math.max(0, index()));
  const onChange = () => field.onChange(values[Number(select.value)]);
  select.addEventListener("change", onChange);
  return {
    el: select,
    read: () => values[Number(select.value)],
    update(value) { const i = values.findIndex((v) => v === value); if (i >= 0) select.value = String(i); },
    validate: () => [],
    teardown() { select.removeEventListener("change", onChange); },
  };
}
