// Theme tokens (colours, corner radius, font) of the shop's active theme. Changes show in the
// preview at once; "Apply to shop" saves them, which changes every page of the live shop.
import * as api from "./api.js";
import { confirm, toast } from "./dialog.js";
import { h } from "./dom.js";
import { label, t } from "./i18n.js";
import { SchemaForm } from "./form.js";
import { check } from "./validate.js";

export class ThemePanel {
  constructor({ theme, url, services, preview }) {
    this.theme = theme;
    this.url = url;
    this.services = services;
    this.preview = preview;
    this.saved = { ...theme.tokens };
    this.tokens = { ...theme.tokens };
    this.form = null;
  }

  get dirty() {
    return JSON.stringify(this.tokens) !== JSON.stringify(this.saved);
  }

  mount(container) {
    if (this.form) this.form.teardown();
    const status = h("span", { class: "ed-hint" });
    const apply = h("button", { type: "button", class: "btn small primary", text: t("theme.apply") });
    const revert = h("button", { type: "button", class: "btn small", text: t("theme.revert") });
    const refresh = () => {
      apply.disabled = !this.dirty;
      revert.disabled = !this.dirty;
      status.textContent = this.dirty ? t("theme.unsaved") : "";
    };
    const properties = {};
    for (const [key, prop] of Object.entries(this.theme.schema.properties || {})) {
      properties[key] = { ...prop, "x-allowEmpty": false };
    }
    this.form = new SchemaForm({
      schema: { ...this.theme.schema, properties }, value: this.tokens, services: this.services,
      onChange: (value) => {
        this.tokens = { ...value };
        const errors = check(`theme-${this.theme.id}`, this.theme.schema, this.tokens);
        this.form.showErrors(errors);
        if (!errors.length) this.preview.applyTokens(this.tokens);
        refresh();
      },
    });
    apply.addEventListener("click", async () => {
      const ok = await confirm({ title: t("theme.apply"), message: t("theme.applyConfirm"), ok: t("theme.apply") });
      if (!ok) return;
      try {
        const data = await api.put(this.url, { tokens: this.tokens });
        this.saved = { ...data.tokens };
        this.tokens = { ...data.tokens };
        toast(t("theme.applied"), { kind: "success" });
        refresh();
        await this.preview.load();
      } catch (error) {
        this.form.showErrors((error.errors || []).map((e) => ({ ...e, pointer: e.pointer.replace(/^\/tokens/, "") })));
        toast(error.message, { kind: "error" });
      }
    });
    revert.addEventListener("click", () => {
      this.tokens = { ...this.saved };
      this.form.setValue(this.tokens);
      this.preview.applyTokens(this.tokens);
      this.form.showErrors([]);
      refresh();
    });
    refresh();
    container.replaceChildren(
      h("h3", { class: "ed-section-title", text: t("theme.title", { name: label(this.theme.name) }) }),
      h("p", { class: "ed-hint", text: t("theme.hint") }),
      this.form.el,
      h("div", { class: "ed-theme-actions" }, [apply, revert, status]));
  }
}
