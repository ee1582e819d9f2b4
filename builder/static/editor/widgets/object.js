// A nested object setting without its own widget: its properties as a sub-form.
import { h } from "../dom.js";

export function render(field) {
  const form = field.services.form({ schema: field.schema, value: field.value || {},
    pointer: field.pointer, onChange: (value, opts) => field.onChange(value, opts) });
  return {
    el: h("fieldset", { class: "ed-fieldset", id: field.id }, [form.el]),
    read: () => form.value,
    update(value) { form.setValue(value || {}); },
    validate: () => [],
    showErrors(errors) { form.showErrors(errors); },
    teardown() { form.teardown(); },
  };
}
