// Tiny DOM helpers shared by the editor's modules.

/** Create an element: h("button", {class: "btn", onclick: fn, text: "Save"}, [children]). */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(node.style, value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** Call fn at most once per `wait` ms after the last call; .flush() runs it now, .cancel() drops it. */
export function debounce(fn, wait) {
  let timer = 0;
  let pending = null;
  const run = () => {
    timer = 0;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const wrapped = (...args) => {
    pending = args;
    clearTimeout(timer);
    timer = setTimeout(run, wait);
  };
  wrapped.flush = () => { clearTimeout(timer); run(); };
  wrapped.cancel = () => { clearTimeout(timer); timer = 0; pending = null; };
  wrapped.pending = () => pending !== null;
  return wrapped;
}

/** A unique id for form controls (labels point at them). */
let seq = 0;
export function uid(prefix = "ed") {
  seq += 1;
  return `${prefix}-${seq}`;
}

export function deepClone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
