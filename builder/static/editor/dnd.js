// Drag and drop with pointer events (mouse, pen and touch alike): from the palette into the
// phone preview or the layers list, and to reorder blocks in either (child blocks in the
// layers list). The iframe takes no pointer events while something from outside is dragged
// over it, so one controller sees the whole gesture; the drop position comes from the block
// rectangles, shown as an insertion line. Escape cancels.
import { h } from "./dom.js";
import { icon } from "./icons.js";

const THRESHOLD = 5;
const EDGE = 48;

export class DragDrop {
  /**
   * frame: the preview iframe; preview: Preview; layersEl: the layers list element;
   * canDrop(payload, parentId) -> bool; onDrop(payload, {parentId, beforeId}).
   */
  constructor({ root, frame, preview, layersEl, canDrop, onDrop, describe }) {
    this.root = root;
    this.frame = frame;
    this.preview = preview;
    this.layersEl = layersEl;
    this.canDrop = canDrop;
    this.onDrop = onDrop;
    this.describe = describe;
    this.state = null;
    this.line = h("div", { class: "ed-drop-line", hidden: true });
    this.ghost = h("div", { class: "ed-ghost", hidden: true });
    document.body.append(this.line, this.ghost);
    this.move = this.move.bind(this);
    this.up = this.up.bind(this);
    this.key = this.key.bind(this);
  }

  /** Call from a pointerdown; the drag starts once the pointer moved a few pixels. */
  begin(event, payload, { fromFrame = false } = {}) {
    if (this.state) return;
    const point = this.point(event, fromFrame);
    this.state = { payload, fromFrame, start: point, started: false, target: null, pointerId: event.pointerId };
    window.addEventListener("pointermove", this.move, true);
    window.addEventListener("pointerup", this.up, true);
    window.addEventListener("keydown", this.key, true);
    const doc = this.frame.contentDocument;
    if (doc) {
      doc.addEventListener("pointermove", this.move, true);
      doc.addEventListener("pointerup", this.up, true);
      doc.addEventListener("keydown", this.key, true);
    }
  }

  get active() {
    return Boolean(this.state && this.state.started);
  }

  point(event, fromFrame) {
    const inFrame = fromFrame || (event.view && event.view !== window);
    if (!inFrame) return { x: event.clientX, y: event.clientY };
    const rect = this.frame.getBoundingClientRect();
    return { x: rect.left + event.clientX, y: rect.top + event.clientY };
  }

  start() {
    const s = this.state;
    s.started = true;
    const info = this.describe(s.payload);
    this.ghost.replaceChildren(icon(info.icon || "unknown"), h("span", { text: info.name }));
    this.ghost.hidden = false;
    this.root.classList.add("ed-is-dragging");
    if (!s.fromFrame) this.frame.style.pointerEvents = "none";
    if (s.payload.kind === "move") {
      const el = this.frame.contentDocument
        && this.frame.contentDocument.querySelector(`[data-block-id="${CSS.escape(s.payload.id)}"]`);
      if (el) el.classList.add("ed-dragging");
      const row = this.layersEl.querySelector(`[data-id="${CSS.escape(s.payload.id)}"]`);
      if (row) row.classList.add("ed-dragging");
    }
  }

  move(event) {
    const s = this.state;
    if (!s) return;
    const p = this.point(event, event.view && event.view !== window);
    if (!s.started) {
      if (Math.hypot(p.x - s.start.x, p.y - s.start.y) < THRESHOLD) return;
      this.start();
    }
    event.preventDefault();
    this.ghost.style.transform = `translate(${p.x + 12}px, ${p.y + 12}px)`;
    s.target = this.targetAt(p.x, p.y);
    const ok = s.target && this.canDrop(s.payload, s.target.parentId);
    this.ghost.classList.toggle("refused", Boolean(s.target) && !ok);
    if (ok) {
      const { x, y, width } = s.target.line;
      Object.assign(this.line.style, { left: `${x}px`, top: `${y - 1}px`, width: `${width}px` });
      this.line.hidden = false;
    } else this.line.hidden = true;
  }

  inside(rect, x, y) {
    return x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom;
  }

  targetAt(x, y) {
    const frameRect = this.frame.getBoundingClientRect();
    if (this.inside(frameRect, x, y)) return this.previewTarget(frameRect, y);
    const layersRect = this.layersEl.getBoundingClientRect();
    if (!this.layersEl.hidden && layersRect.width && this.inside(layersRect, x, y)) return this.layersTarget(x, y);
    return null;
  }

  previewTarget(frameRect, y) {
    const win = this.frame.contentWindow;
    if (y < frameRect.top + EDGE) win.scrollBy(0, -12);
    else if (y > frameRect.bottom - EDGE) win.scrollBy(0, 12);
    const moving = this.state.payload.kind === "move" ? this.state.payload.id : null;
    const rects = this.preview.blockRects().filter((r) => r.id !== moving);
    const local = y - frameRect.top;
    let before = null;
    let lineY = null;
    for (const r of rects) {
      if (local < r.rect.top + r.rect.height / 2) { before = r.id; lineY = r.rect.top; break; }
    }
    if (before === null) {
      const last = rects[rects.length - 1];
      lineY = last ? last.rect.bottom : 0;
    }
    lineY = Math.max(0, Math.min(frameRect.height, lineY));
    return { parentId: null, beforeId: before, where: "preview",
      line: { x: frameRect.left, y: frameRect.top + lineY, width: frameRect.width } };
  }

  layersTarget(x, y) {
    const rows = [...this.layersEl.querySelectorAll(".ed-layer-row, .ed-layer-drop")]
      .filter((row) => row.offsetParent !== null);
    const moving = this.state.payload.kind === "move" ? this.state.payload.id : null;
    let best = null;
    for (const row of rows) {
      const rect = row.getBoundingClientRect();
      const distance = y < rect.top ? rect.top - y : (y > rect.bottom ? y - rect.bottom : 0);
      if (!best || distance < best.distance) best = { row, rect, distance };
    }
    if (!best) {
      const rect = this.layersEl.getBoundingClientRect();
      return { parentId: null, beforeId: null, where: "layers", line: { x: rect.left, y: rect.top + 4, width: rect.width } };
    }
    const { row, rect } = best;
    if (row.classList.contains("ed-layer-drop")) {
      return { parentId: row.dataset.parent, beforeId: null, where: "layers",
        line: { x: rect.left, y: rect.top + rect.height / 2, width: rect.width } };
    }
    const li = row.closest("[data-id]");
    const parentId = li.dataset.parent || null;
    const id = li.dataset.id;
    if (id === moving) return null;
    if (y < rect.top + rect.height / 2) {
      return { parentId, beforeId: id, where: "layers", line: { x: rect.left, y: rect.top, width: rect.width } };
    }
    let next = li.nextElementSibling;
    while (next && (!next.dataset.id || next.dataset.id === moving)) next = next.nextElementSibling;
    return { parentId, beforeId: next ? next.dataset.id : null, where: "layers",
      line: { x: rect.left, y: li.getBoundingClientRect().bottom, width: rect.width } };
  }

  key(event) {
    if (event.key === "Escape" && this.state) {
      event.preventDefault();
      this.finish(false);
    }
  }

  up(event) {
    if (!this.state) return;
    if (this.state.started) event.preventDefault();
    this.finish(true);
  }

  finish(drop) {
    const s = this.state;
    this.state = null;
    window.removeEventListener("pointermove", this.move, true);
    window.removeEventListener("pointerup", this.up, true);
    window.removeEventListener("keydown", this.key, true);
    const doc = this.frame.contentDocument;
    if (doc) {
      doc.removeEventListener("pointermove", this.move, true);
      doc.removeEventListener("pointerup", this.up, true);
      doc.removeEventListener("keydown", this.key, true);
      for (const el of doc.querySelectorAll(".ed-dragging")) el.classList.remove("ed-dragging");
    }
    for (const el of this.layersEl.querySelectorAll(".ed-dragging")) el.classList.remove("ed-dragging");
    this.frame.style.pointerEvents = "";
    this.line.hidden = true;
    this.ghost.hidden = true;
    this.root.classList.remove("ed-is-dragging");
    if (!s || !s.started) return;
    s.suppressClick = true;
    this.lastDragEnd = performance.now();
    if (drop && s.target && this.canDrop(s.payload, s.target.parentId)) {
      this.onDrop(s.payload, { parentId: s.target.parentId, beforeId: s.target.beforeId, where: s.target.where });
    }
  }

  /** True right after a drag ended (so the click that follows is not a selection). */
  justDragged() {
    return this.lastDragEnd && performance.now() - this.lastDragEnd < 300;
  }
}
