// x-ui "radio": the enum values as a row of segmented buttons.
import { h, uid } from "../dom.js";
import { optionLabel, optionsOf } from "./options.js";

export function render(field) {
  const values = optionsOf(field.schema);
  const name = uid("radio");
  let current = field.value;
  const inputs = values.map((v) => h("input", { type: "radio", name, value: JSON.stringify(v) }));
  const group = h("div", { class: "ed-segmented", role: "radiogroup", id: field.id,
    "aria-label": field.label, "aria-describedby": field.errorId }, values.map((v, i) =>
    h("label", { class: "ed-segment" }, [inputs[i], h("span", { text: optionLabel(field.schema, v) })])));
  const sync = () => inputs.forEach((input, i) => { input.checked = values[i] === current; });
  sync();
  const onChange = (event) => {
    current = JSON.parse(event.target.value);
    field.onChange(current);
  };
  group.addEventListener("change", onChange);
  return {
    el: group,
    read: () => current,
    update(value) { current = value; sync(); },
    validate: () => [],
    teardown() { group.removeEventListener("change", onChange); },
  };
}
