// x-ui "range": a slider with the number beside it (typing works too).
import { h } from "../dom.js";
import { parseNumber } from "./number.js";

export function render(field) {
  const s = field.schema;
  const min = s.minimum ?? 0;
  const max = s.maximum ?? 100;
  const slider = h("input", { type: "range", id: field.id, min, max, step: s.multipleOf || 1,
    "aria-describedby": field.errorId });
  const box = h("input", { type: "number", class: "ed-range-value", min, max,
    "aria-label": field.label });
  slider.value = field.value ?? min;
  box.value = field.value ?? "";
  const fromSlider = () => {
    box.value = slider.value;
    field.onChange(Number(slider.value), { coalesce: field.pointer });
  };
  const fromBox = () => {
    const value = parseNumber(box.value, s);
    if (typeof value === "number") slider.value = value;
    field.onChange(value, { coalesce: field.pointer });
  };
  slider.addEventListener("input", fromSlider);
  box.addEventListener("input", fromBox);
  return {
    el: h("div", { class: "ed-range" }, [slider, box]),
    read: () => parseNumber(box.value, s),
    update(value) {
      if (typeof value === "number") slider.value = value;
      if (parseNumber(box.value, s) !== value) box.value = value ?? "";
    },
    validate: () => [],
    teardown() { slider.removeEventListener("input", fromSlider); box.removeEventListener("input", fromBox); },
  };
}
