// The page editor: wires the store, palette, layers, phone preview, settings panel, autosave,
// history, publishing and keyboard shortcuts together. Boot data (the page, the block
// catalogue, the theme, the message catalog, the URLs) is embedded in the page as JSON.
import { modal, toast } from "./dialog.js";
import { DragDrop } from "./dnd.js";
import { h } from "./dom.js";
import { label, setCatalog, t } from "./i18n.js";
import { icon } from "./icons.js";
import { Inspector } from "./inspector.js";
import { Layers } from "./layers.js";
import { MediaLibrary } from "./media.js";
import * as model from "./model.js";
import { Palette } from "./palette.js";
import { Catalog } from "./pickers.js";
import { Preview } from "./preview.js";
import { setDefs } from "./schema.js";
import { EditorStore } from "./store.js";
import { Autosave } from "./autosave.js";
import { ThemePanel } from "./theme.js";
import { check, messageFor } from "./validate.js";
import { Versions } from "./versions.js";
import * as api from "./api.js";

export const DEVICES = [
  { id: "mini", width: 375, height: 812 },
  { id: "iphone", width: 390, height: 844 },
  { id: "max", width: 430, height: 932 },
  { id: "android", width: 360, height: 780 },
];

function editable(target) {
  return Boolean(target && target.closest && target.closest("input, textarea, select, [contenteditable='true']"));
}

export function start(root, boot) {
  setCatalog(boot.messages, boot.labelLocale);
  setDefs(boot.defs);
  const { catalogue, urls } = boot;
  const store = new EditorStore({ config: boot.page.config, revision: boot.page.revision });
  const media = new MediaLibrary({ listUrl: boot.media.list, uploadUrl: boot.media.upload,
    imagesUrl: urls.images, maxImageBytes: boot.media.maxImageBytes });
  const catalog = new Catalog(urls);
  const services = { media, catalog };
  const $ = (sel) => root.querySelector(sel);
  const frame = $("[data-frame]");
  const kind = boot.page.kind;

  // --- problems per block (schema checks) for the layers list ----------------------------------
  let problemCache = { config: null, ids: new Set() };
  const problems = (id) => {
    if (problemCache.config !== store.config) {
      const ids = new Set();
      model.walk(store.config.blocks, (block) => {
        const entry = catalogue.blocks[block.type];
        if (!entry || check(block.type, entry.settings_schema, block.settings || {}).length) ids.add(block.id);
      });
      for (const e of store.serverErrors) {
        const m = /^\/blocks\/(\d+)/.exec(e.pointer);
        if (m && store.config.blocks[Number(m[1])]) ids.add(store.config.blocks[Number(m[1])].id);
      }
      problemCache = { config: store.config, ids };
    }
    return problemCache.ids.has(id);
  };
  store.on("errors", () => { problemCache = { config: null, ids: new Set() }; });

  // --- actions -------------------------------------------------------------------------------
  const typeOf = (payload) => (payload.kind === "new" ? payload.type
    : (model.find(store.config, payload.id) || { block: {} }).block.type);

  const canDrop = (payload, parentId) => {
    const type = typeOf(payload);
    const entry = catalogue.blocks[type];
    if (payload.kind === "new") {
      if (!entry) return false;
      if (entry.limit !== null && entry.limit !== undefined && model.countType(store.config, type) >= entry.limit) return false;
    }
    if (parentId === null || parentId === undefined || parentId === "") {
      if (payload.kind === "new") return catalogue.palette.includes(type);
      return !entry || entry.page_kinds.includes(kind);
    }
    if (payload.kind === "move" && (payload.id === parentId)) return false;
    const parent = model.find(store.config, parentId);
    if (!parent || parent.parentId) return false;
    const parentEntry = catalogue.blocks[parent.block.type];
    if (!parentEntry || !parentEntry.children) return false;
    const allowed = payload.kind === "new" ? (catalogue.child_palette[parent.block.type] || [])
      : parentEntry.children.types;
    if (!allowed.includes(type)) return false;
    if (payload.kind === "move") {
      const moving = model.find(store.config, payload.id);
      if (moving && moving.block.blocks && moving.block.blocks.length) return false;
    }
    const siblings = (parent.block.blocks || []).filter((b) => b.id !== payload.id);
    return siblings.length < parentEntry.children.max;
  };

  const defaultPlace = (type) => {
    const selected = store.selection ? model.find(store.config, store.selection) : null;
    if (selected && selected.parentId && canDrop({ kind: "new", type }, selected.parentId)) {
      const next = selected.list[selected.index + 1];
      return { parentId: selected.parentId, beforeId: next ? next.id : null };
    }
    if (selected) {
      const top = selected.parentId ? model.find(store.config, selected.parentId) : selected;
      const next = store.config.blocks[top.index + 1];
      return { parentId: null, beforeId: next ? next.id : null };
    }
    return { parentId: null, beforeId: null };
  };

  const actions = {
    add(type, presetIndex, place) {
      const entry = catalogue.blocks[type];
      const where = place || defaultPlace(type);
      if (!entry || !canDrop({ kind: "new", type }, where.parentId)) {
        toast(entry && entry.limit ? t("palette.limit", { n: entry.limit }) : t("drop.refused"), { kind: "error" });
        return;
      }
      const preset = presetIndex === null || presetIndex === undefined ? null : entry.presets[presetIndex];
      const block = model.makeBlock(entry, preset, model.allIds(store.config), catalogue.blocks);
      store.commit(model.insert(store.config, block, where.parentId, where.beforeId),
        { select: block.id, reason: "structure" });
    },
    move(id, parentId, beforeId) {
      store.commit(model.move(store.config, id, parentId, beforeId), { reason: "structure" });
    },
    shift(id, delta) {
      store.commit(model.shift(store.config, id, delta), { reason: "structure" });
    },
    remove(id) {
      const hit = model.find(store.config, id);
      if (!hit) return;
      const entry = catalogue.blocks[hit.block.type];
      if (entry && entry.fixed && !hit.parentId) {
        toast(t("action.fixed", { name: label(entry.name) }), { kind: "error" });
        return;
      }
      store.commit(model.remove(store.config, id), { select: null, reason: "structure" });
      toast(t("action.deleted", { name: entry ? label(entry.name) : hit.block.type }),
        { action: { label: t("action.undo"), run: () => store.undo() } });
    },
    duplicate(id) {
      const hit = model.find(store.config, id);
      if (!hit) return;
      const entry = catalogue.blocks[hit.block.type];
      if (entry && entry.limit && model.countType(store.config, hit.block.type) >= entry.limit) {
        toast(t("palette.limit", { n: entry.limit }), { kind: "error" });
        return;
      }
      if (hit.parentId && !canDrop({ kind: "move", id: "__copy__" }, hit.parentId)) {
        const parentEntry = catalogue.blocks[model.find(store.config, hit.parentId).block.type];
        if (parentEntry && (model.find(store.config, hit.parentId).block.blocks || []).length >= parentEntry.children.max) {
          toast(t("drop.refused"), { kind: "error" });
          return;
        }
      }
      const done = model.duplicate(store.config, id);
      store.commit(done.config, { select: done.id, reason: "structure" });
    },
    toggleHidden(id) {
      const hit = model.find(store.config, id);
      if (!hit) return;
      const entry = catalogue.blocks[hit.block.type];
      if (entry && entry.fixed && !hit.parentId && !hit.block.hidden) {
        toast(t("action.fixed", { name: label(entry.name) }), { kind: "error" });
        return;
      }
      store.commit(model.setHidden(store.config, id, !hit.block.hidden), { reason: "structure" });
    },
  };

  // --- preview -------------------------------------------------------------------------------
  const invalidIds = new Set();
  // A preview that cannot be rendered says why (the frame keeps its last good render).
  const previewProblem = $("[data-preview-problem]");
  const PAGE_FIELDS = { "/title": { key: "page.title", schema: { minLength: 1, maxLength: 60 } },
    "/background": { key: "page.background", schema: {} },
    "/popup/image": { key: "page.popupImage", schema: {} } };
  const showPreviewProblem = (error) => {
    previewProblem.hidden = !error;
    if (!error) return;
    const first = (error.errors || [])[0];
    const field = first && PAGE_FIELDS[first.pointer];
    const reason = field ? `${t(field.key)}：${messageFor(first.code, field.schema) || first.message}`
      : (first ? first.message : error.message);
    previewProblem.textContent = t("preview.stale", { reason });
  };
  const preview = new Preview({
    frame, store, catalogue, renderUrl: urls.render,
    onSelect: (id) => { if (!dnd.justDragged()) store.select(id); },
    onInvalid: (invalid) => {
      invalidIds.clear();
      Object.keys(invalid).forEach((id) => invalidIds.add(id));
    },
    onPointerDown: (event, id) => dnd.begin(event, { kind: "move", id }, { fromFrame: true }),
    onProblem: (error) => showPreviewProblem(error),
  });

  // --- panes ---------------------------------------------------------------------------------
  const layersEl = $("[data-pane=layers]");
  const dnd = new DragDrop({
    root, frame, preview, layersEl, canDrop,
    onDrop: (payload, { parentId, beforeId }) => {
      if (payload.kind === "new") actions.add(payload.type, payload.preset ?? null, { parentId, beforeId });
      else {
        actions.move(payload.id, parentId, beforeId);
        store.select(payload.id);
      }
    },
    describe: (payload) => {
      const entry = catalogue.blocks[typeOf(payload)];
      return { icon: entry ? entry.icon : "unknown", name: entry ? label(entry.name) : typeOf(payload) };
    },
  });
  const startDrag = (event, payload) => dnd.begin(event, payload);
  new Palette({ el: $("[data-pane=palette]"), catalogue, store, onAdd: (type, preset) => actions.add(type, preset),
    onDragStart: startDrag });
  new Layers({ el: layersEl, catalogue, store, actions, onDragStart: startDrag, problems });
  const themePanel = new ThemePanel({ theme: boot.theme, url: urls.theme, services, preview });
  new Inspector({ el: $("[data-inspector]"), store, catalogue, services, actions, theme: themePanel });

  for (const tab of root.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", () => {
      for (const other of root.querySelectorAll("[data-tab]")) {
        const on = other === tab;
        other.setAttribute("aria-selected", String(on));
        $(`[data-pane=${other.dataset.tab}]`).hidden = !on;
      }
    });
  }

  // --- store -> preview, title ------------------------------------------------------------------
  store.on("change", () => {
    preview.schedule();
    $("[data-page-title]").textContent = store.config.title || "";
  });
  store.on("select", (id) => preview.highlight(id));
  // Narrow screens (tablets): the settings pane slides over the preview while something is
  // being edited; "page settings" opens it with nothing selected.
  const syncDrawer = (open) => root.classList.toggle("ed-drawer-open", open);
  store.on("select", (id) => syncDrawer(Boolean(id)));
  $("[data-page-settings]").addEventListener("click", () => {
    store.select(null);
    syncDrawer(!root.classList.contains("ed-drawer-open"));
  });

  // --- undo/redo -----------------------------------------------------------------------------
  const undoBtn = $("[data-undo]");
  const redoBtn = $("[data-redo]");
  const syncHistory = () => {
    undoBtn.disabled = !store.history.canUndo;
    redoBtn.disabled = !store.history.canRedo;
  };
  store.on("history", syncHistory);
  syncHistory();
  undoBtn.addEventListener("click", () => store.undo());
  redoBtn.addEventListener("click", () => store.redo());

  // --- autosave ------------------------------------------------------------------------------
  const status = $("[data-status]");
  const reload = async () => {
    const state = await api.get(urls.state);
    store.replace(state.config, state.revision);
    autosave.resume();
    await preview.load();
    toast(t("conflict.reloaded"), { kind: "success" });
  };
  const showConflict = async () => {
    const m = modal({ title: t("conflict.title"), className: "ed-conflict" });
    m.body.append(h("p", { text: t("conflict.message") }), h("p", { class: "ed-hint", text: t("conflict.hint") }));
    m.foot.append(
      h("button", { type: "button", class: "btn", text: t("conflict.later"), onclick: () => m.close(false) }),
      h("button", { type: "button", class: "btn primary", "data-reload": "", text: t("conflict.reload"),
        onclick: () => m.close(true) }));
    if (await m.closed) await reload();
  };
  const autosave = new Autosave({
    store, url: urls.draft,
    onConflict: () => showConflict(),
    onState: (state, detail) => {
      status.dataset.state = state;
      let text = t(`save.${state}`);
      if (state === "invalid") text = t("save.invalid", { n: (detail || []).length });
      status.replaceChildren(icon({ saved: "check", saving: "upload", pending: "history", error: "alert",
        invalid: "alert", conflict: "alert" }[state] || "check"), h("span", { text }));
      if (state === "conflict") {
        status.append(h("button", { type: "button", class: "ed-link-btn", text: t("conflict.reload"), onclick: reload }));
      } else if (state === "error") {
        status.append(h("button", { type: "button", class: "ed-link-btn", text: t("save.retry"), onclick: () => autosave.save() }));
      }
    },
  });
  autosave.set("saved");
  window.addEventListener("beforeunload", (event) => {
    if (autosave.dirty || themePanel.dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- publish, history, devices ----------------------------------------------------------------
  /** The block a JSON pointer (/blocks/2/blocks/0/settings/x) lies in, or null (page level). */
  const blockAt = (pointer) => {
    const parts = model.parsePointer(pointer || "");
    let list = store.config.blocks;
    let found = null;
    for (let i = 0; parts[i] === "blocks" && i + 1 < parts.length; i += 2) {
      const next = (list || [])[Number(parts[i + 1])];
      if (!next) break;
      found = next;
      list = next.blocks;
    }
    return found;
  };
  /** Publishing found errors: select the first broken block and bring its field into view. */
  const revealFirstError = (errors) => {
    const first = (errors || [])[0];
    const block = first ? blockAt(first.pointer) : null;
    store.select(block ? block.id : null);
    toast(t("publish.invalid"), { kind: "error", timeout: 8000 });
    requestAnimationFrame(() => {
      const target = document.querySelector(".ed-right .ed-field.invalid:not([hidden])")
        || document.querySelector(".ed-right .ed-block-error:not([hidden])");
      if (!target) return;
      target.scrollIntoView({ block: "center" });
      const control = target.querySelector("input, select, textarea, [role=radiogroup] input, button");
      if (control) control.focus({ preventScroll: true });
    });
  };
  const live = $("[data-live]");
  $("[data-publish]").addEventListener("click", async () => {
    const m = modal({ title: t("publish.title"), className: "ed-publish" });
    const note = h("textarea", { rows: 3, maxlength: 200, placeholder: t("publish.notePlaceholder"),
      "aria-label": t("publish.note"), "data-note": "" });
    const problem = h("p", { class: "ed-field-error", hidden: true, role: "alert" });
    const go = h("button", { type: "button", class: "btn primary", "data-publish-go": "", text: t("publish.go") });
    const at = h("input", { type: "datetime-local", "data-schedule-at": "", "aria-label": t("schedule.at") });
    const later = h("button", { type: "button", class: "btn", "data-schedule-go": "", text: t("schedule.go") });
    m.body.append(h("p", { text: t("publish.message") }),
      h("label", { class: "ed-field-label", text: t("publish.note") }), note,
      h("label", { class: "ed-field-label", text: t("schedule.at") }),
      h("div", { class: "ed-schedule" }, [at, later]),
      h("p", { class: "ed-hint", text: t("schedule.hint") }), problem);
    const pending = h("section", { class: "ed-schedules", "data-schedules": "", "aria-label": t("schedule.pending") });
    m.body.append(pending);
    /** The page's pending scheduled publications, each with a cancel button. */
    const showPending = async () => {
      let items = [];
      try { items = (await api.get(urls.schedules)).items; } catch (error) { items = []; }
      pending.replaceChildren(h("h3", { class: "ed-field-label", text: t("schedule.pending") }));
      if (!items.length) { pending.append(h("p", { class: "ed-hint", text: t("schedule.none") })); return; }
      const list = h("ul", { class: "ed-schedule-list" });
      for (const item of items) {
        const cancel = h("button", { type: "button", class: "btn small", "data-schedule-cancel": String(item.id),
          text: t("schedule.cancel"), "aria-label": `${t("schedule.cancel")} ${item.run_local}` });
        cancel.addEventListener("click", async () => {
          cancel.disabled = true;
          try {
            await api.post(`${urls.schedules}/${item.id}/cancel`, {});
            toast(t("schedule.cancelled", { when: item.run_local }), { kind: "success", timeout: 6000 });
          } catch (error) {
            problem.textContent = error.message;
            problem.hidden = false;
          }
          await showPending();
        });
        list.append(h("li", { "data-schedule": String(item.id) }, [h("time", { datetime: item.run_at, text: item.run_local }), cancel]));
      }
      pending.append(list);
    };
    showPending();
    later.addEventListener("click", async () => {
      problem.hidden = true;
      if (!at.value) { problem.textContent = t("schedule.pick"); problem.hidden = false; return; }
      const ready = await autosave.flush();
      if (!ready) {
        if (autosave.state === "invalid") { m.close(null); revealFirstError(store.serverErrors); return; }
        problem.textContent = t("publish.notSaved");
        problem.hidden = false;
        return;
      }
      try {
        const planned = await api.post(urls.schedule, { revision: store.revision, run_at: at.value });
        m.close(null);
        toast(t("schedule.done", { when: planned.run_local }), { kind: "success", timeout: 8000 });
      } catch (error) {
        if (error.status === 422) { store.setServerErrors(error.errors); }
        problem.textContent = (error.errors || [])[0] && error.errors[0].pointer === "/run_at"
          ? t("schedule.future") : error.message;
        problem.hidden = false;
      }
    });
    m.foot.append(h("button", { type: "button", class: "btn", text: t("action.cancel"), onclick: () => m.close(null) }), go);
    note.focus();
    go.addEventListener("click", async () => {
      go.disabled = true;
      problem.hidden = true;
      const ready = await autosave.flush();
      if (!ready && autosave.state === "invalid") {
        m.close(null);
        revealFirstError(store.serverErrors);
        return;
      }
      if (!ready) {
        problem.textContent = autosave.state === "conflict" ? t("conflict.message") : t("publish.notSaved");
        problem.hidden = false;
        go.disabled = false;
        return;
      }
      try {
        const version = await api.post(urls.publish, { revision: store.revision, note: note.value.trim() });
        m.close(version);
      } catch (error) {
        if (error.status === 422) {
          store.setServerErrors(error.errors);
          m.close(null);
          revealFirstError(error.errors);
          return;
        }
        problem.textContent = error.message;
        problem.hidden = false;
        go.disabled = false;
      }
    });
    const version = await m.closed;
    if (version) {
      live.hidden = false;
      toast(t("publish.done", { n: version.number }), { kind: "success", timeout: 6000,
        action: { label: t("publish.view"), run: () => window.open(urls.storefront, "_blank", "noopener") } });
    }
  });

  const banner = $("[data-version-banner]");
  let viewing = null;
  // Viewing a version is read-only: the panes and the bar's edit buttons are inert.
  const editControls = [$(".ed-left"), $(".ed-right"), $("[data-undo]"), $("[data-redo]"), $("[data-publish]")];
  const setViewing = (version) => {
    viewing = version;
    root.classList.toggle("ed-viewing-version", Boolean(version));
    banner.hidden = !version;
    editControls.forEach((el) => { if (el) el.inert = Boolean(version); });
  };
  const content = ({ kind, schema, ...rest }) => JSON.stringify({ ...rest, background: rest.background || "" });
  const sameContent = (a, b) => content(a) === content(b);
  /** Replace the draft by a version's config (one undoable step; autosave stores it). */
  const loadIntoDraft = async (number) => {
    const version = await api.get(`${urls.versions}/${number}`);
    store.commit({ ...store.config, ...version.config, kind: store.config.kind }, { select: null, reason: "load-version" });
    toast(t("history.loaded", { n: number }), { kind: "success" });
  };
  const versions = new Versions({
    url: urls.versions, preview,
    onPreview: async (v) => {
      banner.querySelector("[data-version-label]").textContent = t("history.viewing", { n: v.number });
      setViewing(v);
      await preview.showVersion(`${urls.versions}/${v.number}/preview`);
    },
    onRolledBack: async (done) => {
      live.hidden = false;
      const version = await api.get(`${urls.versions}/${done.number}`);
      if (sameContent(version.config, store.config)) return;
      toast(t("history.draftDiffers", { n: done.number }), { kind: "info", timeout: 0,
        action: { label: t("history.loadIntoDraft"), run: () => loadIntoDraft(done.number) } });
    },
  });
  $("[data-history]").addEventListener("click", () => versions.open());
  const exitViewing = async () => {
    setViewing(null);
    await preview.load();
  };
  banner.querySelector("[data-version-exit]").addEventListener("click", exitViewing);
  banner.querySelector("[data-version-load]").addEventListener("click", async () => {
    const number = viewing.number;
    await exitViewing();
    await loadIntoDraft(number);
  });

  const phone = $("[data-phone]");
  const setDevice = (id) => {
    const device = DEVICES.find((d) => d.id === id) || DEVICES[0];
    phone.style.setProperty("--device-w", `${device.width}px`);
    phone.style.setProperty("--device-h", `${device.height}px`);
    for (const b of root.querySelectorAll("[data-device]")) b.setAttribute("aria-pressed", String(b.dataset.device === device.id));
    try { localStorage.setItem("mallkit.editor.device", device.id); } catch (e) { /* private mode */ }
  };
  for (const b of root.querySelectorAll("[data-device]")) b.addEventListener("click", () => setDevice(b.dataset.device));
  let savedDevice = null;
  try { savedDevice = localStorage.getItem("mallkit.editor.device"); } catch (e) { /* private mode */ }
  setDevice(savedDevice || "mini");

  // --- keyboard ------------------------------------------------------------------------------
  const onKey = (event) => {
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (document.querySelector("dialog[open]") || viewing) return;
    if (mod && key === "z" && !event.shiftKey) { event.preventDefault(); store.undo(); return; }
    if ((mod && key === "z" && event.shiftKey) || (mod && key === "y")) { event.preventDefault(); store.redo(); return; }
    const id = store.selection;
    if (!id) return;
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      if (event.target.closest && event.target.closest(".ed-list, .ed-layers-tree")) return;
      event.preventDefault();
      actions.shift(id, event.key === "ArrowUp" ? -1 : 1);
      return;
    }
    if (editable(event.target)) return;
    if (mod && key === "d") { event.preventDefault(); actions.duplicate(id); }
    else if ((event.key === "Delete" || event.key === "Backspace") && !event.target.closest(".ed-layers-tree")) {
      event.preventDefault();
      actions.remove(id);
    } else if (event.key === "Escape") store.select(null);
  };
  document.addEventListener("keydown", onKey);
  frame.addEventListener("load", () => {
    if (frame.contentDocument) frame.contentDocument.addEventListener("keydown", onKey);
  });

  // The workspace starts under whatever sits above it (the console's top bar, and a banner
  // such as the payment simulator's), measured rather than assumed.
  const fitUnderTopBar = () => {
    const bar = document.querySelector(".topbar");
    if (bar) root.style.setProperty("--ed-top", `${Math.max(0, bar.getBoundingClientRect().bottom)}px`);
  };
  fitUnderTopBar();
  window.addEventListener("resize", fitUnderTopBar);

  root.dataset.ready = "loading";
  preview.load().then(() => { root.dataset.ready = "true"; }).catch((error) => {
    root.dataset.ready = "error";
    toast(t("preview.failed", { detail: error.message }), { kind: "error", timeout: 0 });
  });
  const editor = { store, preview, autosave, actions, dnd, catalogue };
  window.mallkitEditor = editor;
  return editor;
}

const root = document.getElementById("editor");
const bootEl = document.getElementById("editor-boot");
if (root && bootEl) start(root, JSON.parse(bootEl.textContent));
