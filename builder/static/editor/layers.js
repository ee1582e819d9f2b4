// The page's block list ("layers"): every block in order, child blocks nested under their
// parent, with hide/show, duplicate and delete. Rows are focusable: Enter selects, Alt+↑/↓
// moves, Delete removes, Ctrl/Cmd+D duplicates. Dragging a row reorders (also into and out of
// a parent that takes child blocks). Blocks the editor does not know are listed and kept.
import { h } from "./dom.js";
import { label, t } from "./i18n.js";
import { icon } from "./icons.js";
import { walk as model_walk } from "./model.js";

export class Layers {
  constructor({ el, catalogue, store, actions, onDragStart, problems }) {
    this.el = el;
    this.catalogue = catalogue;
    this.store = store;
    this.actions = actions;
    this.onDragStart = onDragStart;
    this.problems = problems;
    this.unsubs = [
      store.on("change", () => this.draw()),
      store.on("select", () => this.markSelection()),
      store.on("errors", () => this.refreshRows()),
    ];
    this.draw();
  }

  summary(block) {
    const entry = this.catalogue.blocks[block.type];
    if (!entry) return "";
    const settings = block.settings || {};
    for (const key of ["title", "text", "heading", "placeholder", "name"]) {
      if (typeof settings[key] === "string" && settings[key].trim()) return settings[key].trim();
    }
    return "";
  }

  row(block, parentId) {
    const entry = this.catalogue.blocks[block.type];
    const known = Boolean(entry);
    const offered = known && (parentId ? true : this.catalogue.palette.includes(block.type));
    const badges = [];
    if (!known) badges.push(h("span", { class: "ed-badge warn", text: t("layers.unknown") }));
    else if (!offered) badges.push(h("span", { class: "ed-badge", text: t("layers.off") }));
    if (block.hidden) badges.push(h("span", { class: "ed-badge", text: t("layers.hidden") }));
    if (this.problems(block.id)) badges.push(h("span", { class: "ed-badge error", text: t("layers.error") }));
    const name = known ? label(entry.name) : block.type;
    const summary = this.summary(block);
    const rowEl = h("div", { class: "ed-layer-row", tabindex: "0", role: "treeitem",
      "aria-selected": String(this.store.selection === block.id),
      "aria-label": summary ? `${name} · ${summary}` : name }, [
      h("span", { class: "ed-layer-handle", "aria-hidden": "true" }, [icon("drag")]),
      h("span", { class: "ed-layer-icon" }, [icon(known ? entry.icon || "unknown" : "unknown")]),
      h("span", { class: "ed-layer-text" }, [
        h("span", { class: "ed-layer-name", text: name }),
        summary ? h("span", { class: "ed-layer-summary", text: summary }) : null,
      ]),
      ...badges,
      h("span", { class: "ed-layer-tools" }, [
        h("button", { type: "button", class: "ed-icon-btn", title: block.hidden ? t("action.show") : t("action.hide"),
          "aria-label": block.hidden ? t("action.show") : t("action.hide"),
          onclick: (e) => { e.stopPropagation(); this.actions.toggleHidden(block.id); } },
        [icon(block.hidden ? "eye-off" : "eye")]),
        h("button", { type: "button", class: "ed-icon-btn", title: t("action.duplicate"), "aria-label": t("action.duplicate"),
          onclick: (e) => { e.stopPropagation(); this.actions.duplicate(block.id); } }, [icon("copy")]),
        h("button", { type: "button", class: "ed-icon-btn danger", title: t("action.delete"), "aria-label": t("action.delete"),
          onclick: (e) => { e.stopPropagation(); this.actions.remove(block.id); } }, [icon("trash")]),
      ]),
    ]);
    rowEl.addEventListener("click", () => this.store.select(block.id));
    rowEl.addEventListener("keydown", (event) => this.key(event, block.id));
    rowEl.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || event.target.closest("button")) return;
      this.onDragStart(event, { kind: "move", id: block.id });
    });
    const li = h("li", { class: `ed-layer${block.hidden ? " is-hidden" : ""}${known ? "" : " is-unknown"}`,
      dataset: { id: block.id, parent: parentId || "" } }, [rowEl]);
    if (!parentId && entry && entry.children) {
      const children = h("ul", { class: "ed-layer-children", role: "group", dataset: { parent: block.id } },
        (block.blocks || []).map((child) => this.row(child, block.id)));
      children.append(h("li", { class: "ed-layer-drop", dataset: { parent: block.id }, text: t("layers.dropChild") }));
      li.append(children);
    } else if (Array.isArray(block.blocks) && block.blocks.length) {
      li.append(h("ul", { class: "ed-layer-children", role: "group" },
        block.blocks.map((child) => this.row(child, block.id))));
    }
    if (!parentId) li.dataset.parent = "";
    return li;
  }

  key(event, id) {
    const handled = this.handleKey(event, id);
    if (handled) { event.preventDefault(); event.stopPropagation(); }
  }

  handleKey(event, id) {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === "z") return false;
    if (event.key === "Enter" || event.key === " ") { this.store.select(id); return true; }
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      this.actions.shift(id, event.key === "ArrowUp" ? -1 : 1);
      this.focus(id);
      return true;
    }
    if (event.key === "Delete" || event.key === "Backspace") { this.actions.remove(id); return true; }
    if (mod && event.key.toLowerCase() === "d") { this.actions.duplicate(id); return true; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const rows = [...this.el.querySelectorAll(".ed-layer-row")];
      const at = rows.indexOf(event.currentTarget);
      const next = rows[at + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) next.focus();
      return true;
    }
    return false;
  }

  focus(id) {
    const row = this.el.querySelector(`[data-id="${CSS.escape(id)}"] > .ed-layer-row`);
    if (row) row.focus();
  }

  /** What decides the rows' shape: ids, nesting, types, hidden flags. */
  structure() {
    const parts = [];
    const visit = (blocks, parent) => (blocks || []).forEach((b) => {
      parts.push(`${parent}>${b.id}:${b.type}:${b.hidden ? 1 : 0}`);
      visit(b.blocks, b.id);
    });
    visit(this.store.config.blocks, "");
    return parts.join("|");
  }

  /** Redraw the tree when its shape changed; otherwise refresh summaries and badges in place. */
  draw() {
    const shape = this.structure();
    if (shape === this.shape && this.el.firstChild) {
      this.refreshRows();
      return;
    }
    this.shape = shape;
    this.redraw();
  }

  rowKey(block) {
    return `${this.summary(block)}|${block.hidden ? 1 : 0}|${this.problems(block.id) ? 1 : 0}`;
  }

  refreshRows() {
    const keys = this.keys || new Map();
    const search = (blocks, parentId) => (blocks || []).forEach((block) => {
      const key = this.rowKey(block);
      if (keys.get(block.id) !== key) {
        keys.set(block.id, key);
        const li = this.el.querySelector(`[data-id="${CSS.escape(block.id)}"]`);
        if (li) {
          const fresh = this.row(block, parentId).firstChild;
          const row = li.firstChild;
          const focused = row === document.activeElement;
          row.replaceWith(fresh);
          if (focused) fresh.focus();
        }
      }
      search(block.blocks, block.id);
    });
    search(this.store.config.blocks, null);
    this.keys = keys;
  }

  redraw() {
    this.keys = new Map();
    model_walk(this.store.config.blocks, (block) => this.keys.set(block.id, this.rowKey(block)));
    const focused = document.activeElement && this.el.contains(document.activeElement)
      ? document.activeElement.closest("[data-id]") : null;
    const focusId = focused ? focused.dataset.id : null;
    const blocks = this.store.config.blocks || [];
    const tree = h("ul", { class: "ed-layers-tree", role: "tree", "aria-label": t("layers.title") },
      blocks.map((block) => this.row(block, null)));
    const empty = blocks.length ? null : h("p", { class: "ed-hint ed-layers-empty", text: t("layers.empty") });
    this.el.replaceChildren(tree, ...(empty ? [empty] : []));
    if (focusId) this.focus(focusId);
  }

  markSelection() {
    for (const row of this.el.querySelectorAll(".ed-layer-row")) {
      const id = row.parentElement.dataset.id;
      row.setAttribute("aria-selected", String(id === this.store.selection));
    }
    const current = this.el.querySelector('.ed-layer-row[aria-selected="true"]');
    if (current) current.scrollIntoView({ block: "nearest" });
  }

  teardown() {
    this.unsubs.forEach((u) => u());
  }
}
