// x-ui "product-list": products picked by hand (search the catalog, multi-select), shown with
// cover, title and price in yuan, reordered by dragging the handle or with the arrows.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { yuanRange } from "../money.js";

function idOf(item) {
  if (Number.isInteger(item)) return item;
  return item && Number.isInteger(item.product_id) ? item.product_id : null;
}

export function render(field) {
  const catalog = field.services.catalog;
  const asObjects = (field.schema.items && (field.schema.items.$ref || field.schema.items.type === "object"));
  const wrap = (id) => (asObjects ? { product_id: id } : id);
  let value = Array.isArray(field.value) ? [...field.value] : [];
  const max = field.schema.maxItems ?? 50;
  const list = h("ol", { class: "ed-picked", id: field.id, "aria-describedby": field.errorId });
  const addBtn = h("button", { type: "button", class: "btn small" }, [icon("plus"), t("products.add")]);
  const emit = () => { draw(); field.onChange([...value]); };
  const move = (from, to) => {
    if (to < 0 || to >= value.length) return;
    const [item] = value.splice(from, 1);
    value.splice(to, 0, item);
    emit();
  };
  let dragFrom = -1;
  const draw = async () => {
    const ids = value.map(idOf);
    const products = await catalog.productsByIds(ids.filter((id) => id !== null));
    const byId = new Map(products.filter(Boolean).map((p) => [p.id, p]));
    list.replaceChildren(...value.map((item, i) => {
      const p = byId.get(idOf(item));
      const handle = h("span", { class: "ed-handle", "aria-hidden": "true" }, [icon("drag")]);
      const li = h("li", { class: "ed-picked-item", draggable: "true", dataset: { index: String(i) } }, [
        handle,
        p && p.cover ? h("img", { src: p.cover, alt: "" }) : h("span", { class: "ed-product-nocover" }, [icon("goods")]),
        h("span", { class: "ed-product-title", text: p ? p.title : t("products.missing", { id: idOf(item) }) }),
        h("span", { class: "ed-product-price", text: p ? yuanRange(p.price_fen, p.max_price_fen) : "" }),
        h("span", { class: "ed-row-tools" }, [
          h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.moveUp"),
            disabled: i === 0, onclick: () => move(i, i - 1) }, [icon("up")]),
          h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.moveDown"),
            disabled: i === value.length - 1, onclick: () => move(i, i + 1) }, [icon("down")]),
          h("button", { type: "button", class: "ed-icon-btn", "aria-label": t("action.delete"),
            onclick: () => { value.splice(i, 1); emit(); } }, [icon("close")]),
        ]),
      ]);
      li.addEventListener("dragstart", (event) => { dragFrom = i; event.dataTransfer.effectAllowed = "move"; });
      li.addEventListener("dragover", (event) => { event.preventDefault(); li.classList.add("over"); });
      li.addEventListener("dragleave", () => li.classList.remove("over"));
      li.addEventListener("drop", (event) => { event.preventDefault(); li.classList.remove("over"); move(dragFrom, i); });
      return li;
    }));
    if (!value.length) list.append(h("li", { class: "ed-picked-empty", text: t("products.empty") }));
    addBtn.disabled = value.length >= max;
  };
  addBtn.addEventListener("click", async () => {
    const ids = await catalog.pickProducts({ multiple: true, selected: value.map(idOf), max });
    if (ids) { value = ids.map(wrap); emit(); }
  });
  draw();
  return {
    el: h("div", { class: "ed-product-list" }, [list, addBtn]),
    read: () => [...value],
    update(next) { value = Array.isArray(next) ? [...next] : []; draw(); },
    validate: () => [],
    teardown() {},
  };
}
