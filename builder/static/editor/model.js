// Pure operations on a page config ({schema, title, kind, blocks: [{id, type, version,
// settings, hidden?, blocks?}]}). Each returns a new config and never drops what it does not
// understand: unknown block types and settings travel along unchanged.

import { deepClone } from "./dom.js";
import { newBlockId } from "./ids.js";

/** Visit every block: fn(block, parentId, index, list). */
export function walk(blocks, fn, parentId = null) {
  (blocks || []).forEach((block, index, list) => {
    fn(block, parentId, index, list);
    if (block && Array.isArray(block.blocks)) walk(block.blocks, fn, block.id);
  });
}

export function allIds(config) {
  const ids = new Set();
  walk(config.blocks, (b) => ids.add(b.id));
  return ids;
}

/** {block, parentId, index, list} for an id, or null. */
export function find(config, id) {
  let found = null;
  walk(config.blocks, (block, parentId, index, list) => {
    if (!found && block && block.id === id) found = { block, parentId, index, list };
  });
  return found;
}

/** The list that holds the children of parentId (the page's blocks for null). */
function listOf(config, parentId, create = false) {
  if (parentId === null || parentId === undefined) return config.blocks;
  const hit = find(config, parentId);
  if (!hit) return null;
  if (!Array.isArray(hit.block.blocks)) {
    if (!create) return [];
    hit.block.blocks = [];
  }
  return hit.block.blocks;
}

export function countType(config, type) {
  let n = 0;
  walk(config.blocks, (b) => { if (b.type === type) n += 1; });
  return n;
}

/**
 * A new block instance from the catalogue entry (defaults, then the preset's settings); the
 * preset's child blocks get their own type's defaults from `blocks` (type -> entry).
 */
export function makeBlock(entry, preset, taken, blocks = {}) {
  const ids = new Set(taken);
  const id = newBlockId(ids);
  ids.add(id);
  const block = { id, type: entry.type, version: entry.version,
    settings: { ...deepClone(entry.defaults), ...deepClone(preset ? preset.settings : {}) } };
  if (preset && Array.isArray(preset.blocks) && preset.blocks.length) {
    block.blocks = preset.blocks.map((child) => {
      const childId = newBlockId(ids);
      ids.add(childId);
      const childEntry = blocks[child.type];
      return { id: childId, type: child.type, ...(childEntry ? { version: childEntry.version } : {}),
        settings: { ...deepClone(childEntry ? childEntry.defaults : {}), ...deepClone(child.settings) } };
    });
  }
  return block;
}

function insertBefore(list, item, beforeId) {
  const at = beforeId ? list.findIndex((b) => b.id === beforeId) : -1;
  if (at < 0) list.push(item);
  else list.splice(at, 0, item);
}

export function insert(config, block, parentId = null, beforeId = null) {
  const next = deepClone(config);
  const list = listOf(next, parentId, true);
  if (!list) return config;
  insertBefore(list, block, beforeId);
  return next;
}

/** Move a block before beforeId (null: to the end) in parentId's list (null: the page). */
export function move(config, id, parentId = null, beforeId = null) {
  if (id === beforeId || id === parentId) return config;
  const next = deepClone(config);
  const hit = find(next, id);
  if (!hit) return config;
  if (parentId && (isInside(hit.block, parentId))) return config;
  hit.list.splice(hit.index, 1);
  const list = listOf(next, parentId, true);
  if (!list) return config;
  insertBefore(list, hit.block, beforeId);
  if (hit.parentId) {
    const parent = find(next, hit.parentId);
    if (parent && Array.isArray(parent.block.blocks) && !parent.block.blocks.length) {
      delete parent.block.blocks;
    }
  }
  return next;
}

function isInside(block, id) {
  let inside = false;
  walk(block.blocks, (b) => { if (b.id === id) inside = true; });
  return inside;
}

/** Move a block up (-1) or down (+1) among its siblings. */
export function shift(config, id, delta) {
  const hit = find(config, id);
  if (!hit) return config;
  const target = hit.index + delta;
  if (target < 0 || target >= hit.list.length) return config;
  const next = deepClone(config);
  const again = find(next, id);
  const [item] = again.list.splice(again.index, 1);
  again.list.splice(target, 0, item);
  return next;
}

export function remove(config, id) {
  const next = deepClone(config);
  const hit = find(next, id);
  if (!hit) return config;
  hit.list.splice(hit.index, 1);
  return next;
}

/** A copy right after the original, with fresh ids for it and its children. */
export function duplicate(config, id) {
  const hit = find(config, id);
  if (!hit) return { config, id: null };
  const taken = allIds(config);
  const copy = deepClone(hit.block);
  const renumber = (block) => {
    block.id = newBlockId(taken);
    taken.add(block.id);
    (block.blocks || []).forEach(renumber);
  };
  renumber(copy);
  const next = deepClone(config);
  const again = find(next, id);
  again.list.splice(again.index + 1, 0, copy);
  return { config: next, id: copy.id };
}

export function setHidden(config, id, hidden) {
  const next = deepClone(config);
  const hit = find(next, id);
  if (!hit) return config;
  if (hidden) hit.block.hidden = true;
  else delete hit.block.hidden;
  return next;
}

// --- JSON pointers (RFC 6901) -----------------------------------------------------------------

export function parsePointer(pointer) {
  if (!pointer) return [];
  return pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function joinPointer(base, key) {
  return `${base}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

export function getAt(value, pointer) {
  let here = value;
  for (const part of parsePointer(pointer)) {
    if (here === null || typeof here !== "object") return undefined;
    here = here[part];
  }
  return here;
}

/** A copy of root with the value at pointer replaced (containers created as needed). */
export function setAt(root, pointer, value) {
  const parts = parsePointer(pointer);
  if (!parts.length) return deepClone(value);
  const next = deepClone(root) ?? {};
  let here = next;
  parts.slice(0, -1).forEach((part, i) => {
    if (here[part] === null || typeof here[part] !== "object") {
      here[part] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    }
    here = here[part];
  });
  here[parts[parts.length - 1]] = deepClone(value);
  return next;
}

/** Set a block's setting (pointer inside its settings, "" for all of them). */
export function setSetting(config, id, pointer, value) {
  const next = deepClone(config);
  const hit = find(next, id);
  if (!hit) return config;
  hit.block.settings = pointer ? setAt(hit.block.settings || {}, pointer, value)
    : deepClone(value);
  return next;
}
