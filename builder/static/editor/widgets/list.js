// x-ui "list": an array of objects (banner slides, zones, entries). Each item is a collapsible
// card with its own sub-form; add (with the item schema's defaults), duplicate, remove, and
// reorder by dragging the handle or with the arrow buttons / Alt+↑↓.
import { deepClone, h } from "../dom.js";
import { label as localized, t } from "../i18n.js";
import { icon } from "../icons.js";
import { joinPointer, parsePointer } from "../model.js";
import { defaultFor, resolve, widgetFor } from "../schema.js";

function summary(itemSchema, item, index) {
  for (const [key, prop] of Object.entries(itemSchema.properties || {})) {
    const w = widgetFor(prop);
    if ((w === "text" || w === "textarea") && item && typeof item[key] === "string" && item[key].trim()) {
      return item[key].trim();
    }
  }
  return t("list.item", { n: index + 1 });
}

export function render(field) {
  const itemSchema = resolve(field.schema.items || {});
  const min = field.schema.minItems ?? 0;
  const max = field.schema.maxItems ?? 100;
  let value = Array.isArray(field.value) ? deepClone(field.value) : [];
  let open = new Set(value.length === 1 ? [0] : []);
  let forms = [];
  let errors = [];
  const listEl = h("ol", { class: "ed-list", id: field.id, "aria-describedby": field.errorId });
  const addBtn = h("button", { type: "button", class: "btn small ed-list-add" }, [icon("plus"), t("list.add")]);
  const count = h("span", { class: "ed-hint" });

  const emit = (opts = {}) => field.onChange(deepClone(value), opts);
  const structural = (mutate) => { mutate(); draw(); emit(); };
  const move = (from, to) => {
    if (to < 0 || to >= value.length || from === to) return;
    structural(() => {
      const [item] = value.splice(from, 1);
      value.splice(to, 0, item);
      const wasOpen = open.has(from);
      const reopened = new Set();
      open.forEach((i) => { if (i !== from) reopened.add(i); });
      open = reopened;
      if (wasOpen) open.add(to);
    });
    const handle = listEl.children[to] && listEl.children[to].querySelector(".ed-list-handle");
    if (handle) handle.focus();
  };

  let drag = null;
  const onPointerMove = (event) => {
    if (!drag) return;
    const items = [...listEl.children];
    let target = items.length;
    for (let i = 0; i < items.length; i += 1) {
      const rect = items[i].getBoundingClientRect();
      if (event.clientY < rect.top + rect.height / 2) { target = i; break; }
    }
    drag.target = target;
    items.forEach((li, i) => li.classList.toggle("drop-before", i === target && target !== drag.from));
  };
  const onPointerUp = () => {
    document.removeEventListener("pointermove", onPointerMove);
    document.removeEventListener("pointerup", onPointerUp);
    if (!drag) return;
    const { from, target } = drag;
    drag = null;
    [...listEl.children].forEach((li) => li.classList.remove("drop-before", "dragging"));
    if (target !== undefined) move(from, target > from ? target - 1 : target);
  };

  const draw = () => {
    forms.forEach((f) => f.teardown());
    forms = [];
    listEl.replaceChildren(...value.map((item, i) => {
      const itemPointer = joinPointer(field.pointer, i);
      const form = field.services.form({ schema: itemSchema, value: item, pointer: itemPointer,
        onChange: (next, opts) => {
          value[i] = next;
          title.textContent = summary(itemSchema, next, i);
          emit(opts);
        } });
      forms.push(form);
      const title = h("span", { class: "ed-list-title", text: summary(itemSchema, item, i) });
      const handle = h("button", { type: "button", class: "ed-list-handle", "aria-label": t("list.dragHint"),
        title: t("list.dragHint") }, [icon("drag")]);
      handle.addEventListener("pointerdown", (event) => {
        event.preventDefault();
        drag = { from: i };
        li.classList.add("dragging");
        document.addEventListener("pointermove", onPointerMove);
        document.addEventListener("pointerup", onPointerUp);
      });
      handle.addEventListener("keydown", (event) => {
        if (event.altKey && event.key === "ArrowUp") { event.preventDefault(); event.stopPropagation(); move(i, i - 1); }
        if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); event.stopPropagation(); move(i, i + 1); }
      });
      const toggle = h("button", { type: "button", class: "ed-list-toggle", "aria-expanded": String(open.has(i)),
        onclick: () => { if (open.has(i)) open.delete(i); else open.add(i); body.hidden = !open.has(i);
          toggle.setAttribute("aria-expanded", String(open.has(i))); li.classList.toggle("open", open.has(i)); } },
      [title, icon("chevron")]);
      const body = h("div", { class: "ed-list-body", hidden: !open.has(i) }, [form.el]);
      const li = h("li", { class: `ed-list-item${open.has(i) ? " open" : ""}`, dataset: { index: String(i) } }, [
        h("div", { class: "ed-list-head" }, [handle, toggle,
          h("span", { class: "ed-row-tools" }, [
            h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.moveUp"), title: t("action.moveUp"),
              disabled: i === 0, onclick: () => move(i, i - 1) }, [icon("up")]),
            h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.moveDown"), title: t("action.moveDown"),
              disabled: i === value.length - 1, onclick: () => move(i, i + 1) }, [icon("down")]),
            h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.duplicate"), title: t("action.duplicate"),
              disabled: value.length >= max, onclick: () => structural(() => { value.splice(i + 1, 0, deepClone(value[i])); open.add(i + 1); }) }, [icon("copy")]),
            h("button", { type: "button", class: "ed-icon-btn danger", "aria-label": t("action.delete"), title: t("action.delete"),
              disabled: value.length <= min, onclick: () => structural(() => { value.splice(i, 1); open = new Set([...open].filter((k) => k !== i).map((k) => (k > i ? k - 1 : k))); }) }, [icon("trash")]),
          ])]),
        body,
      ]);
      return li;
    }));
    addBtn.disabled = value.length >= max;
    count.textContent = t("list.count", { n: value.length, max });
    applyErrors();
  };
  const applyErrors = () => {
    forms.forEach((form, i) => {
      const mine = errors.filter((e) => parsePointer(e.pointer)[0] === String(i))
        .map((e) => ({ ...e, pointer: `/${parsePointer(e.pointer).slice(1).join("/")}`.replace(/^\/$/, "") }));
      form.showErrors(mine);
      const li = listEl.children[i];
      if (li) li.classList.toggle("invalid", mine.length > 0);
      if (mine.length && li && !open.has(i)) {
        open.add(i); li.classList.add("open");
        li.querySelector(".ed-list-body").hidden = false;
      }
    });
  };
  addBtn.addEventListener("click", () => structural(() => {
    value.push(defaultFor(itemSchema));
    open.add(value.length - 1);
  }));
  draw();
  return {
    el: h("div", { class: "ed-list-wrap" }, [listEl, h("div", { class: "ed-list-foot" }, [addBtn, count])]),
    read: () => deepClone(value),
    update(next) {
      const fresh = Array.isArray(next) ? deepClone(next) : [];
      if (JSON.stringify(fresh) === JSON.stringify(value)) return;
      if (fresh.length === value.length) {
        value = fresh;
        forms.forEach((form, i) => form.setValue(value[i]));
        [...listEl.children].forEach((li, i) => {
          const title = li.querySelector(".ed-list-title");
          if (title) title.textContent = summary(itemSchema, value[i], i);
        });
      } else {
        value = fresh;
        draw();
      }
    },
    validate: () => [],
    showErrors(list) { errors = list.filter((e) => e.pointer); applyErrors(); },
    teardown() { forms.forEach((f) => f.teardown()); forms = []; },
    label: localized(field.schema["x-label"], field.key),
  };
}
