// The shop's media library for the editor: a picker dialog (browse, search, upload by button
// or by dropping files) and direct uploads. Uploads are checked on the server with Pillow; its
// refusals (unsupported_media, too_large, too_many_pixels, empty_file) become clear messages.
import * as api from "./api.js";
import { modal } from "./dialog.js";
import { h, clear, debounce } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

function mib(bytes) {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

export function thumbOf(asset) {
  const sizes = Object.keys(asset.thumbnails || {}).map(Number).sort((a, b) => a - b);
  const small = sizes.find((w) => w >= 150);
  return small ? asset.thumbnails[String(small)] : asset.url;
}

export class MediaLibrary {
  constructor({ listUrl, uploadUrl, imagesUrl, maxImageBytes }) {
    this.listUrl = listUrl;
    this.uploadUrl = uploadUrl;
    this.imagesUrl = imagesUrl;
    this.maxImageBytes = maxImageBytes;
    this.urls = new Map();
    this.waiting = new Map();
    this.fetchSoon = debounce(() => this.fetchUrls(), 10);
  }

  /** A localized reason for a refused upload. */
  uploadError(error) {
    const code = error.code || (error.errors && error.errors[0] && error.errors[0].code);
    if (code === "unsupported_media" || error.status === 415) return t("media.unsupported");
    if (code === "too_large" || error.status === 413) return t("media.tooLarge", { size: mib(this.maxImageBytes) });
    if (code === "too_many_pixels") return t("media.tooManyPixels");
    if (code === "empty_file") return t("media.empty");
    if (error.status === 0) return t("error.network");
    return error.message || t("media.failed");
  }

  async upload(file) {
    if (file.size > this.maxImageBytes) {
      const error = new api.ApiError(413, { code: "too_large" });
      throw error;
    }
    const asset = await api.upload(this.uploadUrl, file);
    this.urls.set(asset.id, thumbOf(asset));
    return asset;
  }

  /** The preview URL of an image reference ({media_id} or {url}); null when none. */
  url(ref) {
    if (!ref || typeof ref !== "object") return Promise.resolve(null);
    if (ref.url) return Promise.resolve(ref.url);
    const id = ref.media_id;
    if (!Number.isInteger(id)) return Promise.resolve(null);
    if (this.urls.has(id)) return Promise.resolve(this.urls.get(id));
    if (!this.waiting.has(id)) {
      let resolve;
      const promise = new Promise((r) => { resolve = r; });
      this.waiting.set(id, { promise, resolve });
      this.fetchSoon();
    }
    return this.waiting.get(id).promise;
  }

  async fetchUrls() {
    const batch = [...this.waiting.entries()];
    this.waiting.clear();
    if (!batch.length) return;
    let found = {};
    try {
      found = await api.get(`${this.imagesUrl}?ids=${batch.map(([id]) => id).join(",")}`);
    } catch (error) {
      found = {};
    }
    for (const [id, waiter] of batch) {
      const url = found[String(id)] || null;
      this.urls.set(id, url);
      waiter.resolve(url);
    }
  }

  /** The picker: resolves to the chosen asset (as the console's asset JSON) or null. */
  pick({ kind = "image" } = {}) {
    const m = modal({ title: t(kind === "video" ? "media.titleVideo" : "media.title"), wide: true,
      className: "ed-media" });
    let page = 1;
    let query = "";
    const grid = h("div", { class: "ed-media-grid" });
    // The library listing and an upload report on separate lines: a listing that answers after
    // an upload was refused must not overwrite the refusal.
    const status = h("p", { class: "ed-media-status", "aria-live": "polite" });
    const uploadStatus = h("p", { class: "ed-media-status", "data-upload-status": "", "aria-live": "polite" });
    const more = h("button", { type: "button", class: "btn small", text: t("media.more"), hidden: true });
    const file = h("input", { type: "file", hidden: true, "data-media-file": "",
      accept: kind === "video" ? "video/mp4" : "image/jpeg,image/png,image/webp,image/gif" });
    const uploadBtn = h("button", { type: "button", class: "btn primary small",
      onclick: () => file.click() }, [icon("upload"), t("media.upload")]);
    const search = h("input", { type: "search", placeholder: t("media.search"), "aria-label": t("media.search") });
    const uploadFile = async (chosen) => {
      if (!chosen) return;
      uploadStatus.className = "ed-media-status";
      uploadStatus.textContent = t("media.uploading", { name: chosen.name });
      try {
        const asset = await this.upload(chosen);
        m.close(asset);
      } catch (error) {
        uploadStatus.className = "ed-media-status error";
        uploadStatus.textContent = this.uploadError(error);
      }
    };
    file.addEventListener("change", () => uploadFile(file.files[0]));
    const load = async (reset) => {
      if (reset) { page = 1; clear(grid); }
      status.className = "ed-media-status";
      status.textContent = t("media.loading");
      try {
        const params = new URLSearchParams({ kind, per_page: "30", page: String(page) });
        if (query) params.set("q", query);
        const data = await api.get(`${this.listUrl}?${params}`);
        status.textContent = "";
        for (const asset of data.items || []) {
          if (asset.status === "failed" || asset.deleted) continue;
          this.urls.set(asset.id, thumbOf(asset));
          grid.append(h("button", { type: "button", class: "ed-media-item", title: asset.name,
            onclick: () => m.close(asset) }, [
            kind === "video" ? h("span", { class: "ed-media-video" }, [icon("video")])
              : h("img", { src: thumbOf(asset) || "", alt: asset.alt_text || asset.name, loading: "lazy" }),
            h("span", { class: "ed-media-name", text: asset.name }),
          ]));
        }
        if (!grid.children.length) status.textContent = t("media.empty_library");
        more.hidden = page >= (data.pages || 1);
      } catch (error) {
        status.className = "ed-media-status error";
        status.textContent = t("error.network");
      }
    };
    more.addEventListener("click", () => { page += 1; load(false); });
    search.addEventListener("input", debounce(() => { query = search.value.trim(); load(true); }, 250));
    const drop = h("div", { class: "ed-media-drop" }, [grid, more]);
    drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      uploadFile(event.dataTransfer.files[0]);
    });
    m.body.append(
      h("div", { class: "ed-media-tools" }, [search, uploadBtn, file]),
      h("p", { class: "ed-hint", text: kind === "video" ? t("media.hintVideo")
        : t("media.hint", { size: mib(this.maxImageBytes) }) }),
      uploadStatus, status, drop);
    load(true);
    return m.closed;
  }
}
