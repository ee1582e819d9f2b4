// x-ui "icon": one of the built-in icons (the schema's enum), chosen from a grid.
import { h } from "../dom.js";
import { icon } from "../icons.js";
import { optionLabel, optionsOf } from "./options.js";

export function render(field) {
  const values = optionsOf(field.schema);
  let value = field.value;
  const buttons = values.map((v) => h("button", { type: "button", class: "ed-icon-choice",
    title: optionLabel(field.schema, v), "aria-label": optionLabel(field.schema, v),
    "aria-pressed": String(v === value), onclick: () => { value = v; sync(); field.onChange(v); } },
  [icon(v), h("span", { text: optionLabel(field.schema, v) })]));
  const sync = () => buttons.forEach((b, i) => b.setAttribute("aria-pressed", String(values[i] === value)));
  return {
    el: h("div", { class: "ed-icon-grid", id: field.id, role: "group", "aria-describedby": field.errorId }, buttons),
    read: () => value,
    update(next) { value = next; sync(); },
    validate: () => [],
    teardown() {},
  };
}
