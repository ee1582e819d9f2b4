// x-ui "video": an MP4 from the media library ({media_id}) or an https address ({url}).
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";

export function render(field) {
  const media = field.services.media;
  let value = field.value ?? null;
  const name = h("span", { class: "ed-video-name" });
  const url = h("input", { type: "url", id: field.id, placeholder: "https://…mp4",
    "aria-describedby": field.errorId });
  const show = () => {
    name.textContent = value && value.media_id ? t("video.library", { id: value.media_id })
      : t("video.none");
    url.value = (value && value.url) || "";
  };
  const set = (next, coalesce) => { value = next; show(); field.onChange(value, { coalesce }); };
  const pick = async () => {
    const asset = await media.pick({ kind: "video" });
    if (asset) set({ ...asset.ref });
  };
  url.addEventListener("input", () => {
    value = url.value.trim() ? { url: url.value.trim() } : null;
    field.onChange(value, { coalesce: field.pointer });
  });
  show();
  return {
    el: h("div", { class: "ed-video" }, [
      h("div", { class: "ed-video-row" }, [icon("video"), name,
        h("button", { type: "button", class: "ed-link-btn", onclick: pick, text: t("video.pick") }),
        h("button", { type: "button", class: "ed-link-btn danger", onclick: () => set(null), text: t("image.remove") })]),
      url,
    ]),
    read: () => value,
    update(next) { value = next ?? null; show(); },
    validate: () => [],
    teardown() {},
  };
}
