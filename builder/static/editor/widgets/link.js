// x-ui "link": where a tap goes — a page of the shop (the category page included), a product,
// a product group, a web address (H5 only) or a mini-program path; or nowhere.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { yuanRange } from "../money.js";

const KINDS = ["none", "page", "product", "group", "url", "miniprogram"];

export function render(field) {
  const { catalog } = field.services;
  let value = field.value ?? null;
  // every control is named with the field's own label first ("跳转链接：链接类型"), so a
  // screen reader tells the links of a block apart
  const named = (key) => `${field.label}：${t(key)}`;
  const kindSelect = h("select", { id: field.id, "aria-describedby": field.errorId,
    "aria-label": named("link.kind") },
  KINDS.map((k) => h("option", { value: k, text: t(`link.${k}`) })));
  const detail = h("div", { class: "ed-link-detail" });
  const emit = (next, coalesce) => { value = next; field.onChange(value, { coalesce }); };

  const pageSelect = () => {
    const select = h("select", { "aria-label": named("link.page") });
    catalog.pages().then((pages) => {
      select.replaceChildren(...pages.map((p) => h("option", { value: p.slug, text: `${p.title} (${p.slug})` })));
      if (value && value.slug && !pages.some((p) => p.slug === value.slug)) {
        select.append(h("option", { value: value.slug, text: value.slug }));
      }
      select.value = (value && value.slug) || "";
      if (!value || !value.slug) emit({ kind: "page", slug: select.value || "home" });
    });
    select.addEventListener("change", () => emit({ kind: "page", slug: select.value }));
    return select;
  };
  const productChoice = () => {
    const title = h("span", { class: "ed-product-title", text: t("products.noneChosen") });
    const show = async () => {
      if (!value || !Number.isInteger(value.product_id)) return;
      const [p] = await catalog.productsByIds([value.product_id]);
      title.textContent = p ? `${p.title} · ${yuanRange(p.price_fen, p.max_price_fen)}`
        : t("products.missing", { id: value.product_id });
    };
    show();
    return h("div", { class: "ed-picked-one" }, [title, h("button", { type: "button", class: "ed-link-btn",
      text: t("products.choose"), onclick: async () => {
        const ids = await catalog.pickProducts({ multiple: false });
        if (ids && ids.length) { emit({ kind: "product", product_id: ids[0] }); show(); }
      } })]);
  };
  const groupSelect = () => {
    const select = h("select", { "aria-label": named("link.group") });
    catalog.groups().then((groups) => {
      select.replaceChildren(h("option", { value: "", text: t("group.choose") }),
        ...groups.map((g) => h("option", { value: String(g.id), text: g.name })));
      select.value = value && value.group_id ? String(value.group_id) : "";
    });
    select.addEventListener("change", () => {
      if (select.value) emit({ kind: "group", group_id: Number(select.value) });
    });
    return select;
  };
  const text = (key, placeholder, build) => {
    const input = h("input", { type: "text", placeholder, value: (value && value[key]) || "",
      "aria-label": named(`link.${key}`), "aria-describedby": field.errorId });
    input.addEventListener("input", () => emit(build(input.value.trim()), `${field.pointer}/${key}`));
    return input;
  };
  const drawDetail = () => {
    const kind = value ? value.kind : "none";
    kindSelect.value = KINDS.includes(kind) ? kind : "none";
    let content = null;
    if (kind === "page") content = pageSelect();
    else if (kind === "product") content = productChoice();
    else if (kind === "group") content = groupSelect();
    else if (kind === "url") content = text("url", "https://", (url) => ({ kind: "url", url }));
    else if (kind === "miniprogram") {
      const path = text("path", "/pages/index/index", (p) => ({ ...value, kind: "miniprogram", path: p }));
      const app = text("app_id", t("link.appIdHint"), (id) => {
        const next = { kind: "miniprogram", path: (value && value.path) || "" };
        if (id) next.app_id = id;
        return next;
      });
      content = h("div", { class: "ed-link-mp" }, [path, app]);
    }
    detail.replaceChildren(...(content ? [content] : []));
    if (kind === "url") detail.append(h("p", { class: "ed-hint", text: t("link.urlHint") }));
  };
  kindSelect.addEventListener("change", () => {
    const kind = kindSelect.value;
    const fresh = { none: null, page: null, product: null, group: null,
      url: { kind: "url", url: "" }, miniprogram: { kind: "miniprogram", path: "" } }[kind];
    if (kind === "none") emit(null);
    else if (fresh) emit(fresh);
    value = kind === "none" ? null : (fresh || { kind });
    drawDetail();
  });
  drawDetail();
  return {
    el: h("div", { class: "ed-link" }, [kindSelect, detail]),
    read: () => value,
    update(next) { if (JSON.stringify(next ?? null) !== JSON.stringify(value)) { value = next ?? null; drawDetail(); } },
    validate: () => [],
    teardown() {},
  };
}
