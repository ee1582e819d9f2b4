// The phone preview: the real H5 render of the unsaved draft in an iframe. The first load
// renders the whole page; afterwards only the top-level blocks whose config changed are
// rendered again and swapped in place (by block id), moved blocks are reordered without a
// request, and theme tokens are applied as CSS custom properties while you edit them.
import * as api from "./api.js";
import { label } from "./i18n.js";

const EDITOR_CSS = `
html{scrollbar-width:thin}
body{cursor:default}
.mk-block{position:relative;transition:box-shadow .12s}
.mk-block:hover{box-shadow:inset 0 0 0 1px rgba(21,91,212,.55)}
.mk-block.ed-selected{box-shadow:inset 0 0 0 2px #155bd4}
.mk-block.ed-selected::after{content:attr(data-ed-label);position:absolute;top:0;left:0;z-index:30;
 padding:1px 6px;font:12px/18px -apple-system,"PingFang SC",sans-serif;color:#fff;background:#155bd4;
 border-radius:0 0 4px 0;pointer-events:none}
.mk-block.ed-selected [data-block-id].ed-selected-child{box-shadow:inset 0 0 0 2px #155bd4}
.mk-block.ed-dragging{opacity:.35}
.mk-block.ed-fresh{animation:ed-flash .6s ease-out}
@keyframes ed-flash{from{box-shadow:inset 0 0 0 2px #7aa7f5}to{box-shadow:none}}
a,button,input,label{cursor:default!important}
img{-webkit-user-drag:none;user-select:none}
*{user-select:none}
`;

/** Theme tokens -> the CSS custom properties the default theme's page frame sets. */
export function tokenVariables(tokens) {
  const vars = {};
  for (const [key, value] of Object.entries(tokens || {})) {
    if (key === "color_background") vars["--mk-color-bg"] = value;
    else if (key.startsWith("color_")) vars[`--mk-color-${key.slice(6).replace(/_/g, "-")}`] = value;
    else if (key === "radius") vars["--mk-radius"] = `${value}px`;
  }
  return vars;
}

export class Preview {
  constructor({ frame, store, catalogue, renderUrl, onSelect, onInvalid, onPointerDown,
    onProblem = () => {} }) {
    this.frame = frame;
    this.onProblem = onProblem;
    this.store = store;
    this.catalogue = catalogue;
    this.renderUrl = renderUrl;
    this.onSelect = onSelect;
    this.onInvalid = onInvalid;
    this.onPointerDown = onPointerDown;
    this.rendered = new Map();
    this.pageKey = null;
    this.inFlight = null;
    this.again = false;
    this.tokens = null;
    this.versionMode = false;
  }

  get doc() {
    return this.frame.contentDocument;
  }

  pageKeyOf(config) {
    const { blocks, ...page } = config; // the page's own settings: title, background, popup ...
    return JSON.stringify({ ...page, background: page.background || "" });
  }

  /** Render the whole draft and (re)load the frame, keeping the scroll position. */
  async load() {
    const config = this.store.config;
    const scroll = this.doc && this.doc.defaultView ? this.doc.defaultView.scrollY : 0;
    const data = await api.post(this.renderUrl, { config });
    this.pageKey = this.pageKeyOf(config);
    this.rendered.clear();
    for (const block of config.blocks) {
      if (!(data.invalid || {})[block.id]) this.rendered.set(block.id, JSON.stringify(block));
    }
    this.onInvalid(data.invalid || {});
    await new Promise((resolve) => {
      this.frame.addEventListener("load", resolve, { once: true });
      this.frame.srcdoc = withNonce(data.html);
    });
    this.versionMode = false;
    this.setup();
    if (scroll) this.doc.defaultView.scrollTo(0, scroll);
    this.announce([...this.rendered.keys()]);
  }

  setup() {
    const doc = this.doc;
    const style = doc.createElement("style");
    style.id = "ed-style";
    style.textContent = EDITOR_CSS;
    doc.head.append(style);
    doc.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      const block = event.target.closest("[data-block-id]");
      if (block && !this.versionMode) this.onSelect(block.getAttribute("data-block-id"));
    }, true);
    doc.addEventListener("submit", (event) => event.preventDefault(), true);
    doc.addEventListener("dragstart", (event) => event.preventDefault(), true);
    doc.addEventListener("pointerdown", (event) => {
      const block = event.target.closest(".mk-block[data-block-id]");
      if (block && !this.versionMode && event.button === 0) this.onPointerDown(event, block.getAttribute("data-block-id"));
    });
    this.labelBlocks();
    if (this.tokens) this.applyTokens(this.tokens);
    this.highlight(this.store.selection, false);
  }

  container() {
    const doc = this.doc;
    if (!doc) return null;
    return doc.querySelector(".mk-blocks") || (doc.querySelector(".mk-block") || {}).parentElement || null;
  }

  elements() {
    const map = new Map();
    const container = this.container();
    if (!container) return map;
    for (const el of container.children) {
      if (el.classList.contains("mk-block")) map.set(el.getAttribute("data-block-id"), el);
    }
    return map;
  }

  labelBlocks() {
    const doc = this.doc;
    if (!doc) return;
    for (const el of doc.querySelectorAll("[data-block-id]")) {
      const entry = this.catalogue.blocks[el.getAttribute("data-block-type")];
      el.setAttribute("data-ed-label", entry ? label(entry.name) : el.getAttribute("data-block-type"));
    }
  }

  /** Bring the frame in line with the store: only changed blocks go to the server. */
  schedule() {
    if (this.versionMode) return;
    if (this.inFlight) { this.again = true; return; }
    this.inFlight = this.sync().then(() => this.onProblem(null)).catch((error) => {
      // the frame keeps the last good render; the editor says why it is not updating
      this.onProblem(error);
    }).finally(() => {
      this.inFlight = null;
      if (this.again) { this.again = false; this.schedule(); }
    });
  }

  async sync() {
    const config = this.store.config;
    if (this.pageKeyOf(config) !== this.pageKey || !this.container()) {
      await this.load();
      return;
    }
    const wanted = config.blocks.filter((b) => b && !b.hidden);
    const stale = wanted.filter((b) => this.rendered.get(b.id) !== JSON.stringify(b)).map((b) => b.id);
    let fresh = {};
    let invalid = {};
    if (stale.length) {
      const subset = { ...config, blocks: config.blocks.filter((b) => stale.includes(b.id)) };
      const data = await api.post(this.renderUrl, { config: subset, only: stale });
      fresh = data.blocks || {};
      invalid = data.invalid || {};
      if (this.store.config !== config) this.again = true;
    }
    this.patch(config, stale, fresh, invalid);
  }

  patch(config, stale, fresh, invalid) {
    const container = this.container();
    const doc = this.doc;
    const elements = this.elements();
    const changed = [];
    for (const id of stale) {
      const block = config.blocks.find((b) => b.id === id);
      if (invalid[id]) continue;
      this.rendered.set(id, JSON.stringify(block));
      const old = elements.get(id);
      if (fresh[id] === undefined) {
        if (old) old.remove();
        elements.delete(id);
        continue;
      }
      const range = doc.createRange();
      range.selectNodeContents(container);
      const fragment = range.createContextualFragment(fresh[id]);
      const el = fragment.firstElementChild;
      if (old) old.replaceWith(fragment); else container.append(fragment);
      elements.set(id, el);
      changed.push(id);
      if (!old) el.classList.add("ed-fresh");
    }
    const order = config.blocks.filter((b) => b && !b.hidden).map((b) => b.id);
    const keep = new Set(order);
    for (const [id, el] of elements) {
      if (!keep.has(id)) { el.remove(); elements.delete(id); this.rendered.delete(id); }
    }
    let cursor = null;
    for (const id of order) {
      const el = elements.get(id);
      if (!el) continue;
      const expected = cursor ? cursor.nextElementSibling : container.firstElementChild;
      if (expected !== el) {
        if (cursor) cursor.after(el); else container.prepend(el);
      }
      cursor = el;
    }
    for (const id of [...this.rendered.keys()]) if (!keep.has(id)) this.rendered.delete(id);
    this.onInvalid(invalid, stale);
    this.labelBlocks();
    this.highlight(this.store.selection, false);
    this.announce(changed);
  }

  announce(ids) {
    window.dispatchEvent(new CustomEvent("mallkit:preview-updated", { detail: { ids, at: performance.now() } }));
  }

  /** Outline the selected block (a child block outlines itself and its parent). */
  highlight(id, scroll = true) {
    const doc = this.doc;
    if (!doc || !doc.body) return;
    for (const el of doc.querySelectorAll(".ed-selected, .ed-selected-child")) {
      el.classList.remove("ed-selected", "ed-selected-child");
    }
    if (!id) return;
    const el = doc.querySelector(`[data-block-id="${CSS.escape(id)}"]`);
    if (!el) return;
    const top = el.closest(".mk-block[data-block-id]") === el && el.parentElement === this.container()
      ? el : el.closest(`.mk-blocks > .mk-block`) || el;
    top.classList.add("ed-selected");
    if (top !== el) el.classList.add("ed-selected-child");
    if (scroll) {
      const rect = el.getBoundingClientRect();
      const view = doc.defaultView.innerHeight;
      if (rect.top < 50 || rect.bottom > view) el.scrollIntoView({ block: "center" });
    }
  }

  applyTokens(tokens) {
    this.tokens = tokens;
    const doc = this.doc;
    if (!doc || !doc.documentElement) return;
    for (const [name, value] of Object.entries(tokenVariables(tokens))) {
      if (value === "" || value === undefined) doc.documentElement.style.removeProperty(name);
      else doc.documentElement.style.setProperty(name, value);
    }
    if (tokens.font && doc.body) {
      for (const cls of [...doc.body.classList]) if (cls.startsWith("mk-font--")) doc.body.classList.remove(cls);
      doc.body.classList.add(`mk-font--${tokens.font}`);
    }
  }

  /** Show a published version (read-only) in the frame. */
  showVersion(url) {
    this.versionMode = true;
    return new Promise((resolve) => {
      this.frame.addEventListener("load", () => {
        const style = this.doc.createElement("style");
        style.textContent = "*{user-select:none}";
        this.doc.head.append(style);
        this.doc.addEventListener("click", (e) => e.preventDefault(), true);
        resolve();
      }, { once: true });
      this.frame.removeAttribute("srcdoc");
      this.frame.src = url;
    });
  }

  /** Top-level blocks in the frame with their rects in the frame's viewport. */
  blockRects() {
    return [...this.elements().entries()].map(([id, el]) => ({ id, rect: el.getBoundingClientRect(), el }));
  }
}

/** The draft's HTML with the console page's CSP nonce on its scripts: a srcdoc frame inherits
 * the console's Content-Security-Policy, and the blocks' own scripts should run in the preview
 * as they do on the storefront. */
function withNonce(html) {
  const nonce = (document.getElementById("editor-main") || {}).nonce;
  return nonce ? html.replace(/<script(?=[\s>])/gi, `<script nonce="${nonce}"`) : html;
}
