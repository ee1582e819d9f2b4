// Autosave: the draft is saved a moment after the last change, with its revision. States:
// saved, pending (changes not sent yet), saving, error (retried), invalid (the server named
// fields to fix), conflict (saved elsewhere since: never overwritten silently).
import * as api from "./api.js";

export const DELAY_MS = 800;
const RETRY_MS = 5000;

export class Autosave {
  constructor({ store, url, onState, onConflict, onSaved, delay = DELAY_MS }) {
    this.store = store;
    this.url = url;
    this.onState = onState;
    this.onConflict = onConflict;
    this.onSaved = onSaved || (() => {});
    this.delay = delay;
    this.saved = store.config;
    this.timer = 0;
    this.running = null;
    this.state = "saved";
    this.unsubscribe = store.on("change", ({ reason }) => {
      if (reason === "reload") { this.saved = store.config; this.set("saved"); return; }
      this.changed();
    });
  }

  get dirty() {
    return this.store.config !== this.saved;
  }

  set(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }

  changed() {
    if (this.state === "conflict") return;
    clearTimeout(this.timer);
    if (!this.dirty) { if (!this.running) this.set("saved"); return; }
    this.set("pending");
    this.timer = setTimeout(() => this.save(), this.delay);
  }

  /** Save now (e.g. before publishing); resolves true when the draft on the server is current. */
  async flush() {
    clearTimeout(this.timer);
    if (this.running) await this.running;
    if (this.dirty && this.state !== "conflict") await this.save();
    return !this.dirty && this.state === "saved";
  }

  save() {
    if (this.running || this.state === "conflict") return this.running;
    clearTimeout(this.timer);
    const config = this.store.config;
    if (config === this.saved) { this.set("saved"); return Promise.resolve(); }
    this.set("saving");
    this.running = api.put(this.url, { config, revision: this.store.revision }).then((data) => {
      this.store.revision = data.revision;
      this.saved = config;
      this.store.setServerErrors([]);
      this.onSaved(data);
      if (this.dirty) { this.set("pending"); this.timer = setTimeout(() => this.save(), this.delay); }
      else this.set("saved");
    }).catch((error) => {
      if (error.code === "draft_conflict") {
        this.set("conflict", error);
        this.onConflict(error);
      } else if (error.status === 422) {
        this.store.setServerErrors(error.errors);
        this.set("invalid", error.errors);
      } else {
        this.set("error", error);
        this.timer = setTimeout(() => this.save(), RETRY_MS);
      }
    }).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** After a reload from the server: continue from its revision. */
  resume() {
    this.saved = this.store.config;
    this.set("saved");
  }

  teardown() {
    clearTimeout(this.timer);
    this.unsubscribe();
  }
}
