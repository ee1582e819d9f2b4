// The block palette: the blocks this page kind may hold whose modules are on, grouped by
// category with icons and localized names; presets one click away. A block at its per-page
// limit is greyed out. Click adds after the selection (or at the end); drag places it.
import { h } from "./dom.js";
import { label, t } from "./i18n.js";
import { icon } from "./icons.js";
import { countType } from "./model.js";

export const CATEGORIES = ["basic", "media", "product", "marketing", "navigation", "user", "layout"];

export class Palette {
  constructor({ el, catalogue, store, onAdd, onDragStart }) {
    this.el = el;
    this.catalogue = catalogue;
    this.store = store;
    this.onAdd = onAdd;
    this.onDragStart = onDragStart;
    this.items = new Map();
    this.build();
    this.unsubscribe = store.on("change", () => this.refresh());
    this.refresh();
  }

  build() {
    const offered = this.catalogue.palette.map((type) => this.catalogue.blocks[type]).filter(Boolean);
    const search = h("input", { type: "search", class: "ed-palette-search", placeholder: t("palette.search"),
      "aria-label": t("palette.search") });
    const groups = h("div", { class: "ed-palette-groups" });
    for (const category of CATEGORIES) {
      const blocks = offered.filter((b) => b.category === category);
      if (!blocks.length) continue;
      const grid = h("div", { class: "ed-palette-grid" });
      for (const entry of blocks) grid.append(this.item(entry));
      groups.append(h("section", { class: "ed-palette-group", dataset: { category } }, [
        h("h3", { text: t(`category.${category}`) }), grid]));
    }
    if (!offered.length) groups.append(h("p", { class: "ed-hint", text: t("palette.empty") }));
    search.addEventListener("input", () => {
      const q = search.value.trim().toLowerCase();
      for (const [type, { box, entry }] of this.items) {
        const text = `${type} ${label(entry.name)} ${label(entry.description)}`.toLowerCase();
        box.hidden = Boolean(q) && !text.includes(q);
      }
      for (const section of groups.children) {
        if (section.classList.contains("ed-palette-group")) {
          section.hidden = ![...section.querySelectorAll(".ed-palette-box")].some((b) => !b.hidden);
        }
      }
    });
    this.el.replaceChildren(search, groups);
  }

  item(entry) {
    const button = h("button", { type: "button", class: "ed-palette-item", dataset: { type: entry.type },
      title: label(entry.description) || label(entry.name) }, [
      h("span", { class: "ed-palette-icon" }, [icon(entry.icon || "unknown")]),
      h("span", { class: "ed-palette-name", text: label(entry.name) }),
    ]);
    button.addEventListener("click", () => { if (!button.disabled) this.onAdd(entry.type, null); });
    button.addEventListener("pointerdown", (event) => {
      if (event.button === 0 && !button.disabled) this.onDragStart(event, { kind: "new", type: entry.type });
    });
    const box = h("div", { class: "ed-palette-box" }, [button]);
    if (entry.presets && entry.presets.length) {
      const list = h("div", { class: "ed-presets", hidden: true }, entry.presets.map((preset, i) => {
        const chip = h("button", { type: "button", class: "ed-preset", text: label(preset.name),
          dataset: { type: entry.type, preset: String(i) } });
        chip.addEventListener("click", () => { if (!button.disabled) this.onAdd(entry.type, i); });
        chip.addEventListener("pointerdown", (event) => {
          if (event.button === 0 && !button.disabled) this.onDragStart(event, { kind: "new", type: entry.type, preset: i });
        });
        return chip;
      }));
      const more = h("button", { type: "button", class: "ed-palette-more", "aria-expanded": "false",
        title: t("palette.presets"), "aria-label": t("palette.presetsOf", { name: label(entry.name) }) }, [icon("chevron")]);
      more.addEventListener("click", () => {
        list.hidden = !list.hidden;
        more.setAttribute("aria-expanded", String(!list.hidden));
        box.classList.toggle("open", !list.hidden);
      });
      box.append(more, list);
    }
    this.items.set(entry.type, { box, button, entry });
    return box;
  }

  refresh() {
    for (const [type, { button, box, entry }] of this.items) {
      const full = entry.limit !== null && entry.limit !== undefined
        && countType(this.store.config, type) >= entry.limit;
      button.disabled = full;
      box.classList.toggle("is-full", full);
      button.title = full ? t("palette.limit", { n: entry.limit }) : (label(entry.description) || label(entry.name));
    }
  }

  teardown() {
    this.unsubscribe();
  }
}
