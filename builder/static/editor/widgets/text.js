// x-ui "text": one line of text.
import { h } from "../dom.js";

export function render(field) {
  const input = h("input", { type: "text", id: field.id, value: field.value ?? "",
    maxlength: field.schema.maxLength, placeholder: field.placeholder || "",
    "aria-describedby": field.errorId });
  const onInput = () => field.onChange(input.value, { coalesce: field.pointer });
  input.addEventListener("input", onInput);
  return {
    el: input,
    read: () => input.value,
    update(value) { if (input.value !== (value ?? "")) input.value = value ?? ""; },
    validate: () => [],
    teardown() { input.removeEventListener("input", onInput); },
  };
}
