// x-ui "image-list": several images from the media library, reordered with arrows.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";

export function render(field) {
  const media = field.services.media;
  let value = Array.isArray(field.value) ? [...field.value] : [];
  const max = field.schema.maxItems ?? 20;
  const list = h("div", { class: "ed-image-list", id: field.id, "aria-describedby": field.errorId });
  const addBtn = h("button", { type: "button", class: "ed-image-add" }, [icon("plus"), t("image.add")]);
  const emit = () => { draw(); field.onChange([...value]); };
  const draw = () => {
    list.replaceChildren(...value.map((ref, i) => {
      const img = h("img", { alt: "" });
      media.url(ref).then((url) => { if (url) img.src = url; });
      return h("div", { class: "ed-image-tile" }, [img, h("div", { class: "ed-tile-actions" }, [
        h("button", { type: "button", "aria-label": t("action.moveUp"), disabled: i === 0,
          onclick: () => { [value[i - 1], value[i]] = [value[i], value[i - 1]]; emit(); } }, [icon("back")]),
        h("button", { type: "button", "aria-label": t("action.delete"),
          onclick: () => { value.splice(i, 1); emit(); } }, [icon("close")]),
      ])]);
    }), addBtn);
    addBtn.hidden = value.length >= max;
  };
  addBtn.addEventListener("click", async () => {
    const asset = await media.pick({ kind: "image" });
    if (asset) { value.push({ ...asset.ref }); emit(); }
  });
  draw();
  return {
    el: list,
    read: () => [...value],
    update(next) { value = Array.isArray(next) ? [...next] : []; draw(); },
    validate: () => [],
    teardown() {},
  };
}
