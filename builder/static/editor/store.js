// The editor's state: the page config being edited, the selected block, undo/redo and the
// field errors the server or the schema reported. Modules subscribe with on(event, fn),
// which returns its unsubscribe function.

import { History } from "./history.js";
import * as model from "./model.js";

export class EditorStore {
  constructor({ config, revision }) {
    this.config = config;
    this.revision = revision;
    this.selection = null;
    this.serverErrors = [];
    this.listeners = new Map();
    this.history = new History(this.snapshot());
  }

  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event).delete(fn);
  }

  emit(event, detail) {
    for (const fn of [...(this.listeners.get(event) || [])]) fn(detail);
  }

  snapshot() {
    return { config: this.config, selection: this.selection };
  }

  /** Make `next` the config: one undo step (merged with the last when `coalesce` matches). */
  commit(next, { coalesce = null, select, reason = "edit", ids = null } = {}) {
    if (next === this.config) return;
    const previous = this.config;
    this.config = next;
    if (select !== undefined) this.selection = select;
    if (this.selection && !model.find(next, this.selection)) this.selection = null;
    this.history.push(this.snapshot(), coalesce);
    this.emit("change", { config: next, previous, reason, ids });
    if (select !== undefined) this.emit("select", this.selection);
    this.emit("history", this.history);
  }

  select(id) {
    const next = id && model.find(this.config, id) ? id : null;
    if (next === this.selection) return;
    this.selection = next;
    this.history.seal();
    this.history.present = { ...this.history.present, selection: next };
    this.emit("select", next);
  }

  seal() {
    this.history.seal();
  }

  undo() { this.restore(this.history.undo(), "undo"); }
  redo() { this.restore(this.history.redo(), "redo"); }

  restore(snapshot, reason) {
    if (!snapshot) return;
    const previous = this.config;
    this.config = snapshot.config;
    this.selection = snapshot.selection && model.find(snapshot.config, snapshot.selection)
      ? snapshot.selection : null;
    this.emit("change", { config: this.config, previous, reason, ids: null });
    this.emit("select", this.selection);
    this.emit("history", this.history);
  }

  /** Start over from a config loaded from the server (after a conflict): no undo past it. */
  replace(config, revision) {
    const previous = this.config;
    this.config = config;
    this.revision = revision;
    if (this.selection && !model.find(config, this.selection)) this.selection = null;
    this.history.reset(this.snapshot());
    this.serverErrors = [];
    this.emit("change", { config, previous, reason: "reload", ids: null });
    this.emit("select", this.selection);
    this.emit("history", this.history);
    this.emit("errors", this.serverErrors);
  }

  setServerErrors(errors) {
    this.serverErrors = errors || [];
    this.emit("errors", this.serverErrors);
  }

  /** Forget server errors at or under pointer (the field was edited). */
  clearServerErrors(prefix) {
    const kept = this.serverErrors.filter((e) => !(e.pointer === prefix
      || e.pointer.startsWith(`${prefix}/`)));
    if (kept.length !== this.serverErrors.length) this.setServerErrors(kept);
  }

  /** The JSON pointer of a block in the config ("/blocks/2/blocks/0"). */
  pointerOf(id) {
    const path = [];
    const search = (blocks, base) => {
      for (let i = 0; i < (blocks || []).length; i += 1) {
        const here = `${base}/${i}`;
        if (blocks[i].id === id) { path.push(here); return true; }
        if (search(blocks[i].blocks, `${here}/blocks`)) return true;
      }
      return false;
    };
    search(this.config.blocks, "/blocks");
    return path[0] || null;
  }
}
