// x-ui "color": a colour picker with its hex code; empty means "the theme's colour".
import { h } from "../dom.js";
import { t } from "../i18n.js";

const HEX = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

function sixDigits(value) {
  if (!HEX.test(value || "")) return "#ffffff";
  if (value.length === 4) return `#${[...value.slice(1)].map((c) => c + c).join("")}`;
  return value.slice(0, 7);
}

export function render(field) {
  const allowEmpty = field.schema["x-allowEmpty"] !== false
    && (!field.schema.pattern || new RegExp(field.schema.pattern).test(""));
  const picker = h("input", { type: "color", "aria-label": field.label });
  const text = h("input", { type: "text", id: field.id, class: "ed-color-text", maxlength: 9,
    placeholder: allowEmpty ? t("color.theme") : "#", spellcheck: "false",
    "aria-describedby": field.errorId });
  const swatch = h("span", { class: "ed-color-swatch" }, [picker]);
  const reset = allowEmpty ? h("button", { type: "button", class: "ed-link-btn", text: t("color.reset") }) : null;
  const show = (value) => {
    text.value = value || "";
    picker.value = sixDigits(value);
    swatch.classList.toggle("is-empty", !value);
  };
  show(field.value);
  const fromPicker = () => { text.value = picker.value; swatch.classList.remove("is-empty"); field.onChange(picker.value, { coalesce: field.pointer }); };
  const fromText = () => {
    const value = text.value.trim();
    if (HEX.test(value)) picker.value = sixDigits(value);
    swatch.classList.toggle("is-empty", !value);
    field.onChange(value, { coalesce: field.pointer });
  };
  const onReset = () => { show(""); field.onChange(""); };
  picker.addEventListener("input", fromPicker);
  text.addEventListener("input", fromText);
  if (reset) reset.addEventListener("click", onReset);
  return {
    el: h("div", { class: "ed-color" }, [swatch, text, reset]),
    read: () => text.value.trim(),
    update(value) { if (text.value.trim() !== (value || "")) show(value); },
    validate: () => [],
    teardown() {
      picker.removeEventListener("input", fromPicker);
      text.removeEventListener("input", fromText);
      if (reset) reset.removeEventListener("click", onReset);
    },
  };
}
