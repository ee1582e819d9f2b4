// The product form: images, the spec editor and the SKU matrix, saved as JSON.
// The server validates; a 422 names each bad field by JSON pointer (/skus/3/price_fen) and
// the message is shown next to the input that carries that pointer.
import { el, pickImage } from "./media-picker.js";
import { fenToYuan, wholeNumber, yuanToFen } from "./money.js";

const MAX_SPECS = 3;
const SEP = "\u001f";
const config = JSON.parse(document.getElementById("product-form-config").textContent);
const s = (key) => config.strings[key] || key;
const form = document.querySelector("[data-product-form]");
const product = config.product;

const state = {
  images: (product?.images || []).filter(Boolean),
  video: product?.video || null,
  specs: (product?.specs || []).map((spec) => ({ name: spec.name, values: [...spec.values] })),
  rows: new Map(),
};

function rowFromSku(sku) {
  return {
    id: sku.id, spec_values: sku.spec_values,
    price: fenToYuan(sku.price_fen), original: fenToYuan(sku.original_price_fen),
    cost: fenToYuan(sku.cost_fen), stock: String(sku.stock), stockTouched: false,
    code: sku.code || "", barcode: sku.barcode || "",
    weight: sku.weight_g ?? "", threshold: sku.low_stock_threshold ?? "",
    image: sku.image || null,
  };
}
for (const sku of product?.skus || []) state.rows.set(sku.spec_values.join(SEP), rowFromSku(sku));

function emptyRow(values) {
  return { id: null, spec_values: values, price: "", original: "", cost: "", stock: "0",
    stockTouched: true, code: "", barcode: "", weight: "", threshold: "", image: null };
}

// --- basics -----------------------------------------------------------------------------

const categorySelect = form.querySelector("[data-category-select]");
categorySelect.append(el("option", { value: "", text: "—" }));
for (const c of config.categories) {
  categorySelect.append(el("option", { value: c.id, text: c.label,
    selected: product?.category_id === c.id ? "selected" : false }));
}
const groupChecks = form.querySelector("[data-group-checks]");
for (const g of config.groups) {
  groupChecks.append(el("label", {}, [el("input", { type: "checkbox", value: g.id,
    "data-group": "", checked: product?.group_ids?.includes(g.id) ? "checked" : false }),
  ` ${g.name}`]));
}
if (!config.groups.length) groupChecks.append(el("span", { class: "muted", text: "—" }));
form.querySelector('[data-field="tags"]').value = (product?.tags || []).join(", ");
for (const key of ["on_sale_at", "off_sale_at"]) {
  form.querySelector(`[data-field="${key}"]`).value = product?.[key] || "";
}

// --- images -----------------------------------------------------------------------------

const imagesBox = form.querySelector("[data-images]");
const picker = () => pickImage({ listUrl: config.media_list_url,
  uploadUrl: config.media_upload_url, strings: config.strings });

function renderImages() {
  imagesBox.replaceChildren();
  if (!state.images.length) imagesBox.append(el("p", { class: "muted", text: s("No images yet") }));
  state.images.forEach((image, i) => {
    const move = (delta) => {
      const [item] = state.images.splice(i, 1);
      state.images.splice(i + delta, 0, item);
      renderImages();
    };
    imagesBox.append(el("figure", { class: "image-tile", "data-pointer": `/images/${i}` }, [
      el("img", { src: image.url || "", alt: "", referrerpolicy: "no-referrer" }),
      i === 0 ? el("span", { class: "tag cover-tag", text: s("Cover") }) : null,
      el("figcaption", { class: "actions" }, [
        i > 0 ? el("button", { type: "button", class: "btn small", text: "←",
          title: s("Move left"), onclick: () => move(-1) }) : null,
        i < state.images.length - 1 ? el("button", { type: "button", class: "btn small",
          text: "→", title: s("Move right"), onclick: () => move(1) }) : null,
        el("button", { type: "button", class: "btn small danger", text: "×", title: s("Remove"),
          onclick: () => { state.images.splice(i, 1); renderImages(); } }),
      ]),
    ]));
  });
}
form.querySelector("[data-add-image]").addEventListener("click", async () => {
  const picked = await picker();
  if (picked) { state.images.push(picked); renderImages(); }
});
const imageUrl = form.querySelector("[data-image-url]");
imageUrl.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const url = imageUrl.value.trim();
  if (/^https?:\/\//.test(url)) {
    state.images.push({ ref: { url }, url });
    imageUrl.value = "";
    renderImages();
  }
});

const videoBox = form.querySelector("[data-video]");
function renderVideo() {
  const input = el("input", { type: "url", placeholder: "https://…mp4", "data-pointer": "/video",
    value: state.video?.ref?.url || "" });
  input.addEventListener("change", () => {
    const url = input.value.trim();
    state.video = url ? { ref: { url }, url } : null;
  });
  const parts = [input,
    state.video?.ref?.media_id ? el("span", { class: "muted", text: `#${state.video.ref.media_id}` }) : null,
    state.video ? el("button", { type: "button", class: "btn small danger", text: s("Remove"),
      onclick: () => { state.video = null; renderVideo(); } }) : null];
  videoBox.replaceChildren(...parts.filter(Boolean));
}

// --- specs and the SKU matrix ------------------------------------------------------------

const specsBox = form.querySelector("[data-specs]");
const tableBox = form.querySelector("[data-sku-table]");

function combinations() {
  const specs = state.specs.filter((spec) => spec.values.length);
  if (!specs.length) return [[]];
  return specs.reduce((acc, spec) => acc.flatMap((prefix) =>
    spec.values.map((value) => [...prefix, value])), [[]]);
}

function renderSpecs() {
  specsBox.replaceChildren();
  state.specs.forEach((spec, i) => {
    const name = el("input", { type: "text", value: spec.name, maxlength: 20,
      placeholder: s("e.g. Colour"), "aria-label": s("Spec name"), "data-pointer": `/specs/${i}/name` });
    name.addEventListener("change", () => { spec.name = name.value.trim(); renderTable(); });
    const adder = el("input", { type: "text", maxlength: 40, placeholder: s("e.g. Red"),
      "aria-label": s("Add a value"), "data-pointer": `/specs/${i}/values` });
    const addValue = () => {
      for (const value of adder.value.split(/[,，]/).map((v) => v.trim()).filter(Boolean)) {
        if (!spec.values.includes(value)) spec.values.push(value);
      }
      adder.value = "";
      renderSpecs();
      renderTable();
    };
    adder.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); addValue(); }
    });
    const chips = spec.values.map((value, j) => el("span", { class: "chip",
      "data-pointer": `/specs/${i}/values/${j}` }, [value, el("button", { type: "button",
      class: "chip-x", "aria-label": `${s("Remove")} ${value}`, text: "×",
      onclick: () => { spec.values.splice(j, 1); renderSpecs(); renderTable(); } })]));
    specsBox.append(el("div", { class: "spec-row", "data-pointer": `/specs/${i}` }, [
      name,
      el("div", { class: "chips" }, [...chips, adder,
        el("button", { type: "button", class: "btn small", text: "+", onclick: addValue })]),
      el("button", { type: "button", class: "btn small danger", text: s("Remove"),
        onclick: () => { state.specs.splice(i, 1); renderSpecs(); renderTable(); } }),
    ]));
  });
  const add = el("button", { type: "button", class: "btn", text: `+ ${s("Add spec")}`,
    disabled: state.specs.length >= MAX_SPECS ? "disabled" : false,
    onclick: () => { state.specs.push({ name: "", values: [] }); renderSpecs(); } });
  specsBox.append(el("div", { class: "actions" }, [add,
    state.specs.length >= MAX_SPECS ? el("span", { class: "muted", text: s("At most 3 specs.") }) : null]));
}

const COLUMNS = [
  ["price", "Price (¥)", "price_fen", "yuan"], ["original", "Original price (¥)",
    "original_price_fen", "yuan"], ["cost", "Cost (¥)", "cost_fen", "yuan"],
  ["stock", "Stock", "stock", "int"], ["code", "SKU code", "code", "text"],
  ["barcode", "Barcode", "barcode", "text"], ["weight", "Weight (g)", "weight_g", "int"],
  ["threshold", "Low-stock alert", "low_stock_threshold", "int"],
];

function currentRows() {
  return combinations().map((values) => {
    const key = values.join(SEP);
    if (!state.rows.has(key)) state.rows.set(key, emptyRow(values));
    return state.rows.get(key);
  });
}

function renderTable() {
  const specs = state.specs.filter((spec) => spec.values.length);
  const rows = currentRows();
  const head = el("tr", {}, [...specs.map((spec) => el("th", { text: spec.name || "—" })),
    ...COLUMNS.map(([, label]) => el("th", { text: s(label) })), el("th", { text: s("Image") })]);
  const body = rows.map((row, i) => el("tr", { "data-pointer": `/skus/${i}` }, [
    ...(specs.length ? row.spec_values.map((v) => el("td", { text: v })) : []),
    ...COLUMNS.map(([field, label, key, kind]) => {
      const input = el("input", { type: "text", value: row[field],
        inputmode: kind === "text" ? false : (kind === "yuan" ? "decimal" : "numeric"),
        "aria-label": `${s(label)} ${row.spec_values.join("/")}`,
        "data-pointer": `/skus/${i}/${key}`, class: `col-${field}` });
      input.addEventListener("input", () => {
        row[field] = input.value;
        if (field === "stock") row.stockTouched = true;
      });
      return el("td", {}, input);
    }),
    el("td", { class: "sku-image", "data-pointer": `/skus/${i}/image` }, [
      row.image ? el("img", { src: row.image.url || "", alt: "" }) : null,
      el("button", { type: "button", class: "btn small", text: row.image ? "×" : s("Choose image"),
        onclick: async () => {
          if (row.image) { row.image = null; } else {
            const picked = await picker();
            if (!picked) return;
            row.image = picked;
          }
          renderTable();
        } }),
    ]),
  ]));
  const bulk = COLUMNS.slice(0, 4).map(([field, label]) => el("input", { type: "text",
    placeholder: s(label), "aria-label": `${s("Set for all SKUs")}: ${s(label)}`, "data-bulk": field }));
  const apply = el("button", { type: "button", class: "btn small", text: s("Apply"), onclick: () => {
    for (const input of bulk) {
      if (!input.value.trim()) continue;
      for (const row of currentRows()) {
        row[input.dataset.bulk] = input.value.trim();
        if (input.dataset.bulk === "stock") row.stockTouched = true;
      }
    }
    renderTable();
  } });
  tableBox.replaceChildren(
    rows.length > 1 ? el("div", { class: "actions bulk-fill" }, [el("span", { text: s("Set for all SKUs") }), ...bulk, apply]) : "",
    el("div", { class: "table-wrap" }, el("table", { class: "sku-table" }, [
      el("thead", {}, head), el("tbody", {}, body)])),
  );
}

// --- saving -----------------------------------------------------------------------------

function clearErrors() {
  form.querySelectorAll(".field-error").forEach((node) => {
    if (node.dataset.errorFor) { node.hidden = true; node.textContent = ""; } else node.remove();
  });
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  const summary = form.querySelector("[data-form-errors]");
  summary.hidden = true;
  summary.replaceChildren();
}

function showError(pointer, message) {
  const slot = form.querySelector(`[data-error-for="${CSS.escape(pointer)}"]`);
  if (slot) { slot.textContent = message; slot.hidden = false; }
  let target = form.querySelector(`[data-pointer="${CSS.escape(pointer)}"], [data-field="${CSS.escape(pointer.slice(1))}"]`);
  let trimmed = pointer;
  while (!target && !slot && trimmed.lastIndexOf("/") > 0) {
    trimmed = trimmed.slice(0, trimmed.lastIndexOf("/"));
    target = form.querySelector(`[data-pointer="${CSS.escape(trimmed)}"]`);
  }
  if (target) {
    target.setAttribute("aria-invalid", "true");
    if (!slot) target.after(el("p", { class: "field-error", text: message }));
  }
  const summary = form.querySelector("[data-form-errors]");
  summary.hidden = false;
  summary.append(el("div", { text: `${pointer || "/"}: ${message}` }));
}

function collect() {
  const errors = [];
  const data = {};
  for (const input of form.querySelectorAll("[data-field]")) {
    const key = input.dataset.field;
    const kind = input.dataset.type || "text";
    if (input.type === "radio") { if (input.checked) data[key] = input.value; continue; }
    const raw = input.value;
    if (kind === "int" || kind === "int0") {
      const n = wholeNumber(raw, { min: kind === "int0" ? -1000000 : 0 });
      if (n === undefined) errors.push([`/${key}`, s("Enter a whole number")]);
      else data[key] = n === null && kind === "int0" ? 0 : n;
    } else if (kind === "list") {
      data[key] = raw.split(/[,，]/).map((v) => v.trim()).filter(Boolean);
    } else if (kind === "nullable") {
      data[key] = raw.trim() || null;
    } else if (kind === "datetime") {
      data[key] = raw || "";
    } else {
      data[key] = raw;
    }
  }
  data.group_ids = [...form.querySelectorAll("[data-group]:checked")].map((box) => Number(box.value));
  data.images = state.images.map((image) => image.ref);
  data.video = state.video ? state.video.ref : null;
  data.specs = state.specs.filter((spec) => spec.values.length || spec.name)
    .map((spec) => ({ name: spec.name, values: spec.values }));
  data.skus = currentRows().map((row, i) => {
    const sku = { spec_values: row.spec_values };
    if (row.id) sku.id = row.id;
    for (const [field, , key, kind] of COLUMNS) {
      const value = row[field];
      if (kind === "yuan") {
        const fen = yuanToFen(value);
        if (fen === undefined) errors.push([`/skus/${i}/${key}`, s("Enter an amount in yuan, e.g. 99.90")]);
        else if (fen !== null || key !== "price_fen") sku[key] = fen;
      } else if (kind === "int") {
        if (field === "stock" && !row.stockTouched) continue;
        const n = wholeNumber(value);
        if (n === undefined) errors.push([`/skus/${i}/${key}`, s("Enter a whole number")]);
        else if (n !== null || field !== "stock") sku[key] = n;
      } else {
        sku[key] = String(value).trim() || null;
      }
    }
    sku.image = row.image ? row.image.ref : null;
    return sku;
  });
  return { data, errors };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const { data, errors } = collect();
  if (errors.length) { errors.forEach(([p, m]) => showError(p, m)); return; }
  const status = form.querySelector("[data-save-status]");
  const button = form.querySelector("[data-save]");
  status.textContent = s("Saving…");
  button.disabled = true;
  try {
    const response = await window.mallkitFetch(config.save_url, { method: "POST", body: data });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      status.textContent = s("Saved");
      window.location.assign(body.url);
      return;
    }
    status.textContent = s("Could not save");
    if (body.errors?.length) body.errors.forEach((e) => showError(e.pointer, e.message));
    else showError("", body.detail || String(response.status));
    form.querySelector("[aria-invalid], .field-error:not([hidden])")?.scrollIntoView({ block: "center" });
  } finally {
    button.disabled = false;
  }
});

renderImages();
renderVideo();
renderSpecs();
renderTable();
