// Look-ups for the settings widgets: the catalog's products (search dialog with multi-select),
// product groups, categories and the shop's pages, each fetched once and cached.
import * as api from "./api.js";
import { modal } from "./dialog.js";
import { h, clear, debounce } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { yuanRange } from "./money.js";

export class Catalog {
  constructor(urls) {
    this.urls = urls;
    this.products = new Map();
    this.cache = {};
  }

  once(name, url, pick) {
    if (!this.cache[name]) {
      this.cache[name] = api.get(url).then(pick).catch(() => {
        delete this.cache[name];
        return [];
      });
    }
    return this.cache[name];
  }

  pages() { return this.once("pages", this.urls.pages, (d) => d.pages || []); }
  groups() { return this.once("groups", this.urls.groups, (d) => d.items || []); }
  categories() { return this.once("categories", this.urls.categories, (d) => d.items || []); }
  /** A ``choice`` source's options for the shop: [{value, label}]. */
  choices(source) {
    return this.once(`choices:${source}`, `${this.urls.choices}?source=${encodeURIComponent(source)}`,
      (d) => d.items || []);
  }

  /** Products by id (cached), in the order asked; unknown ids come back as null. */
  async productsByIds(ids) {
    const missing = ids.filter((id) => !this.products.has(id));
    if (missing.length) {
      try {
        const data = await api.get(`${this.urls.products}?ids=${missing.join(",")}`);
        for (const p of data.items || []) this.products.set(p.id, p);
      } catch (error) {
        return ids.map((id) => this.products.get(id) || null);
      }
      for (const id of missing) if (!this.products.has(id)) this.products.set(id, null);
    }
    return ids.map((id) => this.products.get(id) || null);
  }

  /** The search dialog; resolves to the chosen product ids (in the order chosen) or null. */
  pickProducts({ multiple = true, selected = [], max = 50 } = {}) {
    const m = modal({ title: t("products.title"), wide: true, className: "ed-products" });
    const chosen = [...selected];
    let page = 1;
    let pages = 1;
    let query = "";
    const search = h("input", { type: "search", placeholder: t("products.search"),
      "aria-label": t("products.search") });
    const list = h("ul", { class: "ed-product-results" });
    const status = h("p", { class: "ed-media-status", "aria-live": "polite" });
    const count = h("span", { class: "ed-hint" });
    const more = h("button", { type: "button", class: "btn small", text: t("media.more"), hidden: true });
    const done = h("button", { type: "button", class: "btn primary", text: t("products.done"),
      onclick: () => m.close(chosen) });
    const updateCount = () => {
      count.textContent = t("products.selected", { n: chosen.length, max });
    };
    const row = (p) => {
      const box = h("input", { type: multiple ? "checkbox" : "radio", name: "product",
        checked: chosen.includes(p.id), "aria-label": p.title });
      box.addEventListener("change", () => {
        if (!multiple) { m.close([p.id]); return; }
        const at = chosen.indexOf(p.id);
        if (box.checked && at < 0) {
          if (chosen.length >= max) { box.checked = false; return; }
          chosen.push(p.id);
        } else if (!box.checked && at >= 0) chosen.splice(at, 1);
        updateCount();
      });
      this.products.set(p.id, p);
      return h("li", {}, [h("label", { class: "ed-product-row" }, [
        box,
        p.cover ? h("img", { src: p.cover, alt: "" }) : h("span", { class: "ed-product-nocover" }, [icon("goods")]),
        h("span", { class: "ed-product-title", text: p.title }),
        h("span", { class: `ed-product-status s-${p.status}`, text: t(`products.status.${p.status}`) }),
        h("span", { class: "ed-product-price", text: yuanRange(p.price_fen, p.max_price_fen) }),
      ])]);
    };
    const load = async (reset) => {
      if (reset) { page = 1; clear(list); }
      status.textContent = t("media.loading");
      try {
        const params = new URLSearchParams({ page: String(page) });
        if (query) params.set("q", query);
        const data = await api.get(`${this.urls.products}?${params}`);
        pages = data.pages || 1;
        for (const p of data.items || []) list.append(row(p));
        status.textContent = list.children.length ? "" : t("products.none");
        more.hidden = page >= pages;
      } catch (error) {
        status.textContent = t("error.network");
      }
    };
    search.addEventListener("input", debounce(() => { query = search.value.trim(); load(true); }, 250));
    more.addEventListener("click", () => { page += 1; load(false); });
    m.body.append(h("div", { class: "ed-media-tools" }, [search]), status, list, more);
    if (multiple) {
      updateCount();
      m.foot.append(count, h("button", { type: "button", class: "btn", text: t("action.cancel"),
        onclick: () => m.close(null) }), done);
    }
    load(true);
    setTimeout(() => search.focus(), 0);
    return m.closed;
  }
}
