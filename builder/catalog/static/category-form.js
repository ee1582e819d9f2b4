// Category forms: pick the icon from the media library (the URL field stays as a fallback).
import { el, pickImage } from "./media-picker.js";

for (const field of document.querySelectorAll("[data-image-field]")) {
  const button = field.querySelector("[data-pick]");
  const mediaId = field.querySelector("[data-media-id]");
  const urlInput = field.querySelector("[data-url-input]");
  const preview = el("span", { class: "muted" });
  if (mediaId.value) preview.textContent = `#${mediaId.value}`;
  button.hidden = false;
  button.after(preview);
  button.addEventListener("click", async () => {
    const picked = await pickImage({ listUrl: field.dataset.listUrl,
      uploadUrl: field.dataset.listUrl });
    if (!picked) return;
    mediaId.value = picked.ref.media_id ?? "";
    urlInput.value = picked.ref.url ?? "";
    preview.replaceChildren(el("img", { src: picked.url, alt: "", class: "icon-preview" }));
  });
  urlInput.addEventListener("input", () => { mediaId.value = ""; preview.textContent = ""; });
}
