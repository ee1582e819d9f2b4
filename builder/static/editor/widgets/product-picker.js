// x-ui "product-picker": one product ({product_id} or an id), chosen by searching the catalog.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { yuanRange } from "../money.js";

export function render(field) {
  const catalog = field.services.catalog;
  const asObject = Boolean(field.schema.properties || field.schema["x-ref"]);
  let value = field.value ?? null;
  const idOf = () => (value && typeof value === "object" ? value.product_id : value);
  const card = h("div", { class: "ed-picked-one" });
  const draw = async () => {
    const id = idOf();
    if (!Number.isInteger(id)) {
      card.replaceChildren(h("span", { class: "ed-hint", text: t("products.noneChosen") }));
      return;
    }
    const [p] = await catalog.productsByIds([id]);
    card.replaceChildren(
      p && p.cover ? h("img", { src: p.cover, alt: "" }) : h("span", { class: "ed-product-nocover" }, [icon("goods")]),
      h("span", { class: "ed-product-title", text: p ? p.title : t("products.missing", { id }) }),
      h("span", { class: "ed-product-price", text: p ? yuanRange(p.price_fen, p.max_price_fen) : "" }));
  };
  const choose = async () => {
    const ids = await catalog.pickProducts({ multiple: false, selected: Number.isInteger(idOf()) ? [idOf()] : [] });
    if (ids && ids.length) {
      value = asObject ? { product_id: ids[0] } : ids[0];
      draw();
      field.onChange(value);
    }
  };
  const nullable = !field.required;
  draw();
  return {
    el: h("div", { class: "ed-product-picker", id: field.id, "aria-describedby": field.errorId }, [card,
      h("div", { class: "ed-image-actions" }, [
        h("button", { type: "button", class: "ed-link-btn", onclick: choose, text: t("products.choose") }),
        nullable ? h("button", { type: "button", class: "ed-link-btn danger", text: t("image.remove"),
          onclick: () => { value = null; draw(); field.onChange(null); } }) : null])]),
    read: () => value,
    update(next) { value = next ?? null; draw(); },
    validate: () => [],
    teardown() {},
  };
}
