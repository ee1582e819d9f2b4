// Undo/redo over whole editor snapshots (config + selection). Rapid edits of one field are
// merged into one step (coalesce key within COALESCE_MS), so typing a word is one undo.

export const MAX_STEPS = 200;
const COALESCE_MS = 1200;

export class History {
  constructor(initial, { max = MAX_STEPS, now = () => performance.now() } = {}) {
    this.max = max;
    this.now = now;
    this.reset(initial);
  }

  reset(snapshot) {
    this.past = [];
    this.future = [];
    this.present = snapshot;
    this.lastKey = null;
    this.lastAt = 0;
  }

  /** Record a new present; `coalesce` names the field being edited. */
  push(snapshot, coalesce = null) {
    const at = this.now();
    if (coalesce && coalesce === this.lastKey && at - this.lastAt < COALESCE_MS
        && this.past.length) {
      this.present = snapshot;
    } else {
      this.past.push(this.present);
      if (this.past.length > this.max) this.past.shift();
      this.present = snapshot;
    }
    this.future = [];
    this.lastKey = coalesce;
    this.lastAt = at;
  }

  /** Stop merging: the next edit starts a new step. */
  seal() {
    this.lastKey = null;
  }

  get canUndo() { return this.past.length > 0; }
  get canRedo() { return this.future.length > 0; }

  undo() {
    if (!this.canUndo) return null;
    this.future.push(this.present);
    this.present = this.past.pop();
    this.lastKey = null;
    return this.present;
  }

  redo() {
    if (!this.canRedo) return null;
    this.past.push(this.present);
    this.present = this.future.pop();
    this.lastKey = null;
    return this.present;
  }
}
