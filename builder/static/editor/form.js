// A settings form generated from a JSON Schema object and its x-ui hints: one field per
// property (label from x-label), conditional fields (if/then/else, x-visibleIf), errors shown
// on the field their JSON pointer names. Used for block settings, list items, page settings
// and theme tokens alike.
import { h, uid } from "./dom.js";
import { label as localized, t } from "./i18n.js";
import { joinPointer, parsePointer } from "./model.js";
import { resolve, visibleProperties, widgetFor } from "./schema.js";
import { test } from "./validate.js";
import { widget } from "./widgets/index.js";

export class SchemaForm {
  /**
   * schema: an object schema; value: its current value; onChange(value, {coalesce, pointer});
   * services: what widgets use (media, catalog, form factory).
   */
  constructor({ schema, value, onChange, services, pointer = "" }) {
    this.schema = resolve(schema);
    this.value = value && typeof value === "object" ? { ...value } : {};
    this.onChange = onChange;
    this.services = { ...services, form: (options) => new SchemaForm({ ...options, services: this.services }) };
    this.pointer = pointer;
    this.fields = new Map();
    this.el = h("div", { class: "ed-form" });
    this.build();
  }

  build() {
    const required = new Set(this.schema.required || []);
    for (const [key, raw] of Object.entries(this.schema.properties || {})) {
      const schema = resolve(raw);
      const name = widgetFor(schema);
      const id = uid("f");
      const errorId = `${id}-error`;
      const pointer = joinPointer(this.pointer, key);
      const label = localized(schema["x-label"], schema.title || key);
      const handle = widget(name).render({
        id, errorId, key, label, schema, name, required: required.has(key),
        value: this.value[key], pointer, services: this.services,
        onChange: (next, opts = {}) => this.change(key, next, opts),
      });
      if (!handle.el) {
        this.fields.set(key, { handle, box: null, error: null });
        continue;
      }
      const error = h("p", { class: "ed-field-error", id: errorId, hidden: true, role: "alert" });
      const hint = schema["x-hint"] ? h("p", { class: "ed-hint", text: localized(schema["x-hint"]) }) : null;
      const head = h("div", { class: "ed-field-head" }, [
        h(handle.inline ? "label" : "label", { class: "ed-field-label", for: id, text: label })]);
      const box = h("div", { class: `ed-field w-${name}${handle.inline ? " inline" : ""}`,
        dataset: { key, pointer } }, handle.inline
        ? [h("div", { class: "ed-field-row" }, [head, handle.el]), hint, error]
        : [head, handle.el, hint, error]);
      this.fields.set(key, { handle, box, error });
      this.el.append(box);
    }
    this.applyVisibility();
  }

  change(key, next, { coalesce = null } = {}) {
    this.value = { ...this.value, [key]: next };
    this.applyVisibility();
    this.onChange(this.value, { coalesce, pointer: joinPointer(this.pointer, key) });
  }

  applyVisibility() {
    const shown = visibleProperties(this.schema, this.value, test);
    for (const [key, field] of this.fields) {
      if (field.box) field.box.hidden = !shown.has(key);
    }
  }

  /** New value from outside (undo/redo, a reload): every widget shows it. */
  setValue(value) {
    this.value = value && typeof value === "object" ? { ...value } : {};
    for (const [key, field] of this.fields) field.handle.update(this.value[key]);
    this.applyVisibility();
  }

  /** errors: [{pointer (relative to this form's value), message}]. */
  showErrors(errors) {
    const byKey = new Map();
    for (const error of errors) {
      const [key, ...rest] = parsePointer(error.pointer);
      if (key === undefined) continue;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push({ ...error, pointer: rest.length ? `/${rest.join("/")}` : "" });
    }
    for (const [key, field] of this.fields) {
      const mine = byKey.get(key) || [];
      if (field.handle.showErrors) field.handle.showErrors(mine);
      if (!field.box) continue;
      const own = field.handle.showErrors ? mine.filter((e) => !e.pointer) : mine;
      const first = own[0] || (!field.handle.showErrors ? null : null);
      field.box.classList.toggle("invalid", Boolean(first));
      field.error.hidden = !first;
      field.error.textContent = first ? first.message : "";
      const control = field.box.querySelector("[aria-describedby]");
      if (control) control.toggleAttribute("aria-invalid", Boolean(first));
    }
    for (const key of byKey.keys()) {
      if (!this.fields.has(key) && !this.unknownNote) {
        this.unknownNote = h("p", { class: "ed-field-error", text: t("error.unknownSetting", { key }) });
        this.el.append(this.unknownNote);
      }
    }
  }

  teardown() {
    for (const field of this.fields.values()) field.handle.teardown();
    this.fields.clear();
    this.el.remove();
  }
}
