// The settings panel: the selected block's settings as a form generated from its schema (with
// client-side checks as you type and the server's errors on their fields), or, with nothing
// selected, the page's own settings and the theme's tokens.
import { h } from "./dom.js";
import { label, t } from "./i18n.js";
import { icon } from "./icons.js";
import { SchemaForm } from "./form.js";
import * as model from "./model.js";
import { check, localizeServer } from "./validate.js";

const IMAGE = "/schemas/defs.schema.json#/$defs/image";
const PAGE_SCHEMA = {
  type: "object",
  properties: {
    title: { type: "string", minLength: 1, maxLength: 60, "x-ui": "text", default: "" },
    background: { type: "string", pattern: "^(#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8}))?$",
      "x-ui": "color", default: "" },
    background_image: { $ref: IMAGE, "x-ui": "image", default: null },
    nav_style: { enum: ["default", "immersive"], "x-ui": "radio", default: "default" },
    share_title: { type: "string", maxLength: 40, "x-ui": "text", default: "" },
    share_image: { $ref: IMAGE, "x-ui": "image", default: null },
    popup: { type: "boolean", "x-ui": "toggle", default: false },
    popup_image: { $ref: IMAGE, "x-ui": "image", default: null, "x-visibleIf": { popup: true } },
    popup_link: { $ref: "/schemas/defs.schema.json#/$defs/link", "x-ui": "link", default: null,
      "x-visibleIf": { popup: true } },
    popup_frequency: { enum: ["daily", "once", "always"], "x-ui": "radio", default: "daily",
      "x-visibleIf": { popup: true } },
  },
};
// Form field -> where the page config keeps it (the server's pointers map back the same way).
const PAGE_POINTERS = { title: "/title", background: "/background", background_image: "/background_image",
  nav_style: "/nav_style", share_title: "/share/title", share_image: "/share/image", popup: "/popup",
  popup_image: "/popup/image", popup_link: "/popup/link", popup_frequency: "/popup/frequency" };

/** The page config's own settings as the flat form value. */
function pageValue(config) {
  const share = config.share || {};
  const popup = config.popup || null;
  return { title: config.title, background: config.background || "",
    background_image: config.background_image || null, nav_style: config.nav_style || "default",
    share_title: share.title || "", share_image: share.image || null, popup: Boolean(popup),
    popup_image: popup ? popup.image || null : null, popup_link: popup ? popup.link || null : null,
    popup_frequency: popup ? popup.frequency || "daily" : "daily" };
}

/** The config with the form's value written back; unset settings are left out. */
function withPageValue(config, value) {
  const next = { ...config, title: value.title };
  const set = (key, v, empty) => { if (v === empty || v === null || v === undefined) delete next[key]; else next[key] = v; };
  set("background", value.background, "");
  set("background_image", value.background_image, null);
  set("nav_style", value.nav_style, "default");
  const share = {};
  if (value.share_title) share.title = value.share_title;
  if (value.share_image) share.image = value.share_image;
  set("share", Object.keys(share).length ? share : null, null);
  set("popup", value.popup ? { image: value.popup_image || null, link: value.popup_link || null,
    frequency: value.popup_frequency || "daily" } : null, null);
  return next;
}

const PAGE_LABELS = { title: "page.title", background: "page.background", background_image: "page.backgroundImage",
  nav_style: "page.navStyle", share_title: "page.shareTitle", share_image: "page.shareImage", popup: "page.popup",
  popup_image: "page.popupImage", popup_link: "page.popupLink", popup_frequency: "page.popupFrequency" };
const PAGE_ENUM_LABELS = {
  nav_style: { default: "page.navDefault", immersive: "page.navImmersive" },
  popup_frequency: { daily: "page.popupDaily", once: "page.popupOnce", always: "page.popupAlways" },
};

export class Inspector {
  constructor({ el, store, catalogue, services, actions, theme }) {
    this.el = el;
    this.store = store;
    this.catalogue = catalogue;
    this.services = services;
    this.actions = actions;
    this.theme = theme;
    this.form = null;
    this.shownId = undefined;
    this.unsubs = [
      store.on("select", () => this.draw()),
      store.on("change", (e) => this.changed(e)),
      store.on("errors", () => this.showErrors()),
    ];
    this.draw();
  }

  block() {
    const hit = this.store.selection ? model.find(this.store.config, this.store.selection) : null;
    return hit ? hit.block : null;
  }

  changed({ reason }) {
    const block = this.block();
    const id = block ? block.id : null;
    if (id !== this.shownId || (block && this.shownType !== block.type)) { this.draw(); return; }
    if (reason === "form") { this.showErrors(); return; }
    if (this.form) {
      if (block) this.form.setValue(block.settings || {});
      else this.form.setValue(pageValue(this.store.config));
    }
    if (block && this.hiddenNote) this.hiddenNote.hidden = !block.hidden;
    this.showErrors();
  }

  draw() {
    if (this.form) { this.form.teardown(); this.form = null; }
    const block = this.block();
    this.shownId = block ? block.id : null;
    this.shownType = block ? block.type : null;
    this.hiddenNote = null;
    if (!block) { this.drawPage(); return; }
    const entry = this.catalogue.blocks[block.type];
    const head = h("div", { class: "ed-inspector-head" }, [
      h("span", { class: "ed-inspector-icon" }, [icon(entry ? entry.icon || "unknown" : "unknown")]),
      h("div", { class: "ed-inspector-title" }, [
        h("h2", { text: entry ? label(entry.name) : t("layers.unknownNamed", { type: block.type }) }),
        entry && entry.description ? h("p", { text: label(entry.description) }) : null,
      ]),
      h("button", { type: "button", class: "ed-icon-btn", title: t("action.deselect"), "aria-label": t("action.deselect"),
        onclick: () => this.store.select(null) }, [icon("close")]),
    ]);
    const tool = (name, text, run, extra = {}) => h("button", { type: "button", class: "ed-icon-btn",
      title: extra.title || text, "aria-label": text, onclick: run, ...extra.attrs }, [icon(name), h("span", { text })]);
    const tools = h("div", { class: "ed-inspector-tools" }, [
      tool("up", t("action.moveUp"), () => this.actions.shift(block.id, -1), { title: `${t("action.moveUp")} (Alt+↑)` }),
      tool("down", t("action.moveDown"), () => this.actions.shift(block.id, 1), { title: `${t("action.moveDown")} (Alt+↓)` }),
      tool("copy", t("action.duplicate"), () => this.actions.duplicate(block.id), { title: `${t("action.duplicate")} (Ctrl+D)` }),
      tool(block.hidden ? "eye" : "eye-off", block.hidden ? t("action.show") : t("action.hide"),
        () => this.actions.toggleHidden(block.id), { attrs: { "data-action": "toggle-hidden" } }),
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "ed-icon-btn danger", title: `${t("action.delete")} (Delete)`,
        "aria-label": t("action.delete"), onclick: () => this.actions.remove(block.id) }, [icon("trash")]),
    ]);
    this.blockError = h("div", { class: "ed-block-error", role: "alert", hidden: true });
    const parts = [head, tools, this.blockError];
    this.hiddenNote = h("p", { class: "ed-note", text: t("inspector.hiddenNote"), hidden: !block.hidden });
    parts.push(this.hiddenNote);
    if (!entry) {
      parts.push(h("p", { class: "ed-note warn", text: t("inspector.unknown") }),
        h("pre", { class: "ed-json", text: JSON.stringify(block, null, 2) }));
      this.el.replaceChildren(...parts);
      this.showErrors();
      return;
    }
    if (!this.catalogue.palette.includes(block.type) && !model.find(this.store.config, block.id).parentId) {
      parts.push(h("p", { class: "ed-note warn", text: t("inspector.notOffered") }));
    }
    this.form = new SchemaForm({
      schema: entry.settings_schema, value: block.settings || {}, services: this.services,
      onChange: (value, { coalesce, pointer }) => {
        const id = block.id;
        const blockPointer = this.store.pointerOf(id);
        if (blockPointer) this.store.clearServerErrors(`${blockPointer}/settings${pointer}`);
        this.store.commit(model.setSetting(this.store.config, id, "", value),
          { coalesce: coalesce ? `${id}:${coalesce}` : null, reason: "form", ids: [id] });
      },
    });
    this.form.el.addEventListener("focusout", () => this.store.seal());
    parts.push(this.form.el);
    if (entry.children) parts.push(this.childrenBox(block, entry));
    this.el.replaceChildren(...parts);
    this.showErrors();
  }

  /** A container block: its child blocks and buttons to add the allowed kinds. */
  childrenBox(block, entry) {
    const count = (block.blocks || []).length;
    const full = count >= entry.children.max;
    const allowed = this.catalogue.child_palette[block.type] || [];
    return h("div", { class: "ed-children" }, [
      h("h3", { class: "ed-section-title", text: t("inspector.childrenTitle", { n: count, max: entry.children.max }) }),
      h("p", { class: "ed-hint", text: t("inspector.children", { n: entry.children.max }) }),
      h("div", { class: "ed-children-add" }, allowed.map((type) => {
        const child = this.catalogue.blocks[type];
        return h("button", { type: "button", class: "btn small", disabled: full, "data-add-child": type,
          onclick: () => this.actions.add(type, null, { parentId: block.id, beforeId: null }) },
        [icon(child.icon || "unknown"), label(child.name)]);
      })),
    ]);
  }

  drawPage() {
    const config = this.store.config;
    const properties = {};
    for (const [key, prop] of Object.entries(PAGE_SCHEMA.properties)) {
      const localized = (k) => ({ "zh-CN": t(k), en: t(k) });
      properties[key] = { ...prop, "x-label": localized(PAGE_LABELS[key]) };
      if (PAGE_ENUM_LABELS[key]) {
        properties[key]["x-enumLabels"] = Object.fromEntries(Object.entries(PAGE_ENUM_LABELS[key])
          .map(([v, k]) => [v, localized(k)]));
      }
    }
    this.form = new SchemaForm({
      schema: { ...PAGE_SCHEMA, properties },
      value: pageValue(config),
      services: this.services,
      onChange: (value, { coalesce, pointer }) => {
        this.store.clearServerErrors(PAGE_POINTERS[pointer.slice(1)] || pointer);
        this.store.commit(withPageValue(this.store.config, value),
          { coalesce: coalesce ? `page:${coalesce}` : null, reason: "form" });
      },
    });
    this.form.el.addEventListener("focusout", () => this.store.seal());
    const themeBox = h("div", { class: "ed-theme-box" });
    this.el.replaceChildren(
      h("div", { class: "ed-inspector-head" }, [
        h("span", { class: "ed-inspector-icon" }, [icon("page")]),
        h("div", { class: "ed-inspector-title" }, [h("h2", { text: t("page.settings") }),
          h("p", { text: t("page.settingsHint") })]),
      ]),
      this.form.el,
      themeBox);
    this.theme.mount(themeBox);
    this.showErrors();
  }

  /** Client-side errors of the shown block plus the server's for it, on their fields. */
  showErrors() {
    if (!this.form) {
      if (this.blockError) this.paintBlockError(this.serverFor(this.block()).filter((e) => !e.inSettings));
      return;
    }
    const block = this.block();
    if (!block) {
      const fields = Object.entries(PAGE_POINTERS).sort((a, b) => b[1].length - a[1].length);
      const server = this.store.serverErrors.map((e) => {
        const hit = fields.find(([, ptr]) => e.pointer === ptr || e.pointer.startsWith(`${ptr}/`));
        return hit ? { ...e, pointer: `/${hit[0]}` } : null;
      }).filter(Boolean);
      const local = [];
      const title = this.store.config.title || "";
      if (!title.trim()) local.push({ pointer: "/title", message: t("error.empty") });
      else if (title.length > 60) local.push({ pointer: "/title", message: t("error.maxLength", { n: 60 }) });
      const popup = this.store.config.popup;
      if (popup && !popup.image) local.push({ pointer: "/popup_image", message: t("error.required") });
      const share = (this.store.config.share || {}).title || "";
      if (share.length > 40) local.push({ pointer: "/share_title", message: t("error.maxLength", { n: 40 }) });
      this.form.showErrors([...local, ...server]);
      return;
    }
    const entry = this.catalogue.blocks[block.type];
    const local = check(block.type, entry.settings_schema, block.settings || {});
    const server = this.serverFor(block);
    const settingsErrors = server.filter((e) => e.inSettings && !local.some((l) => l.pointer === e.pointer));
    this.form.showErrors([...local, ...settingsErrors]);
    this.paintBlockError(server.filter((e) => !e.inSettings));
  }

  paintBlockError(errors) {
    if (!this.blockError) return;
    this.blockError.hidden = !errors.length;
    this.blockError.textContent = errors.map((e) => e.message).join(" ");
  }

  serverFor(block) {
    if (!block) return [];
    const base = this.store.pointerOf(block.id);
    if (!base) return [];
    const entry = this.catalogue.blocks[block.type];
    return this.store.serverErrors.filter((e) => e.pointer === base || e.pointer.startsWith(`${base}/`))
      .map((e) => {
        const rest = e.pointer.slice(base.length);
        if (rest.startsWith("/settings")) {
          const relative = rest.slice("/settings".length);
          return { pointer: relative, inSettings: true,
            message: localizeServer(e, entry && entry.settings_schema, relative) };
        }
        if (e.code === "limit") return { pointer: rest, message: t("error.limit", { n: entry ? entry.limit : "" }) };
        if (e.code === "unknown_block") return { pointer: rest, message: t("error.unknownBlock") };
        return { pointer: rest, message: e.message };
      });
  }

  teardown() {
    this.unsubs.forEach((u) => u());
    if (this.form) this.form.teardown();
  }
}
