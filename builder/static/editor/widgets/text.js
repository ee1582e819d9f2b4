// x-ui "text": one line of text, with a character counter when the schema limits its length.
import { h } from "../dom.js";
import { withCounter } from "./counter.js";

export function render(field) {
  const input = h("input", { type: "text", id: field.id, value: field.value ?? "",
    placeholder: field.placeholder || "", "aria-describedby": field.errorId });
  const counted = withCounter(input, field);
  const onInput = () => field.onChange(input.value, { coalesce: field.pointer });
  input.addEventListener("input", onInput);
  return {
    el: counted.el,
    read: () => input.value,
    update(value) {
      if (input.value !== (value ?? "")) { input.value = value ?? ""; counted.refresh(); }
    },
    validate: () => [],
    teardown() { input.removeEventListener("input", onInput); },
  };
}
