// x-ui "image": an image from the shop's media library (pick or upload), shown whole
// (no cropping), with its alt text; or none.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";

export function render(field) {
  const media = field.services.media;
  let value = field.value ?? null;
  const img = h("img", { alt: "" });
  const empty = h("span", { class: "ed-image-empty" }, [icon("image"), t("image.none")]);
  const frame = h("button", { type: "button", class: "ed-image-frame", id: field.id,
    "aria-label": t("image.choose"), "aria-describedby": field.errorId });
  const error = h("p", { class: "ed-field-note error", hidden: true });
  const alt = h("input", { type: "text", class: "ed-image-alt", maxlength: 200,
    placeholder: t("image.alt"), "aria-label": t("image.alt") });
  const file = h("input", { type: "file", hidden: true, accept: "image/jpeg,image/png,image/webp,image/gif" });
  const removeBtn = h("button", { type: "button", class: "ed-link-btn danger", text: t("image.remove") });
  const show = () => {
    frame.replaceChildren(value ? img : empty);
    removeBtn.hidden = !value;
    alt.hidden = !value;
    alt.value = (value && value.alt) || "";
    if (value) {
      img.removeAttribute("src");
      media.url(value).then((url) => { if (url) img.src = url; });
    }
  };
  const set = (next) => { value = next; show(); error.hidden = true; field.onChange(value); };
  const pick = async () => {
    const asset = await media.pick({ kind: "image" });
    if (asset) set({ ...asset.ref, ...(value && value.alt ? { alt: value.alt } : {}) });
  };
  frame.addEventListener("click", pick);
  removeBtn.addEventListener("click", () => set(null));
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    file.value = "";
    if (!chosen) return;
    try {
      const asset = await media.upload(chosen);
      set({ ...asset.ref });
    } catch (err) {
      error.textContent = media.uploadError(err);
      error.hidden = false;
    }
  });
  alt.addEventListener("input", () => {
    if (!value) return;
    value = { ...value };
    if (alt.value) value.alt = alt.value; else delete value.alt;
    field.onChange(value, { coalesce: `${field.pointer}/alt` });
  });
  show();
  return {
    el: h("div", { class: "ed-image" }, [
      frame,
      h("div", { class: "ed-image-actions" }, [
        h("button", { type: "button", class: "ed-link-btn", onclick: pick, text: t("image.library") }),
        h("button", { type: "button", class: "ed-link-btn", onclick: () => file.click(), text: t("image.upload") }),
        removeBtn, file,
      ]),
      alt, error,
    ]),
    read: () => value,
    update(next) { if (JSON.stringify(next ?? null) !== JSON.stringify(value)) { value = next ?? null; show(); } },
    validate: () => [],
    teardown() { frame.removeEventListener("click", pick); },
  };
}
