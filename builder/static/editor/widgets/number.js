// x-ui "number": a number field with the schema's bounds; text that is not a number is passed
// on as is, so the schema check names the problem on the field.
import { h } from "../dom.js";
import { types } from "../schema.js";

export function parseNumber(raw, schema) {
  const text = String(raw).trim();
  if (text === "") return types(schema).includes("null") ? null : text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  return n;
}

export function render(field) {
  const s = field.schema;
  const integer = types(s).includes("integer") && !types(s).includes("number");
  const input = h("input", { type: "number", id: field.id, inputmode: integer ? "numeric" : "decimal",
    min: s.minimum ?? s.exclusiveMinimum, max: s.maximum ?? s.exclusiveMaximum,
    step: s.multipleOf || (integer ? 1 : "any"), "aria-describedby": field.errorId });
  input.value = field.value ?? "";
  const onInput = () => field.onChange(parseNumber(input.value, s), { coalesce: field.pointer });
  input.addEventListener("input", onInput);
  return {
    el: input,
    read: () => parseNumber(input.value, s),
    update(value) { if (parseNumber(input.value, s) !== value) input.value = value ?? ""; },
    validate: () => [],
    teardown() { input.removeEventListener("input", onInput); },
  };
}
