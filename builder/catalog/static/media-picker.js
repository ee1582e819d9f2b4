// A small media-library picker: a <dialog> listing the shop's images (console JSON endpoint)
// with an upload button. pickImage() resolves to {ref, url} or null when closed.

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of [].concat(children)) if (child) node.append(child);
  return node;
}

function thumb(asset) {
  const sizes = Object.keys(asset.thumbnails || {}).map(Number).sort((a, b) => a - b);
  const small = sizes.find((w) => w >= 150);
  return small ? asset.thumbnails[String(small)] : asset.url;
}

/**
 * Open the picker. options: listUrl, uploadUrl, strings (Media library, Upload, Close,
 * Loading…, Nothing in the library yet., More, Upload failed).
 */
export function pickImage({ listUrl, uploadUrl, strings = {} }) {
  const s = (key) => strings[key] || key;
  return new Promise((resolve) => {
    let page = 1;
    let settled = false;
    const grid = el("div", { class: "picker-grid" });
    const more = el("button", { class: "btn small", type: "button", hidden: true, text: s("More") });
    const status = el("span", { class: "muted", "aria-live": "polite" });
    const dialog = el("dialog", { class: "media-picker" });

    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const choose = (asset) => finish({ ref: asset.ref, url: thumb(asset) });

    const upload = el("input", { type: "file", hidden: true,
      accept: "image/jpeg,image/png,image/webp,image/gif" });
    upload.addEventListener("change", async () => {
      const file = upload.files[0];
      if (!file) return;
      const body = new FormData();
      body.append("file", file);
      status.textContent = s("Loading…");
      const response = await window.mallkitFetch(uploadUrl, { method: "POST", body });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        status.textContent = `${s("Upload failed")}: ${data.detail || response.status}`;
        return;
      }
      choose(data);
    });

    const load = async () => {
      status.textContent = s("Loading…");
      const url = `${listUrl}?kind=image&per_page=40&page=${page}`;
      const response = await window.mallkitFetch(url);
      const data = await response.json();
      status.textContent = "";
      for (const asset of data.items || []) {
        if (asset.status === "failed") continue;
        grid.append(el("button", { type: "button", class: "picker-item", title: asset.name,
          onclick: () => choose(asset) }, el("img", { src: thumb(asset) || "", alt: asset.name,
          loading: "lazy", referrerpolicy: "no-referrer" })));
      }
      if (!grid.children.length) status.textContent = s("Nothing in the library yet.");
      more.hidden = page >= (data.pages || 1);
    };
    more.addEventListener("click", () => { page += 1; load(); });

    dialog.append(
      el("div", { class: "picker-head" }, [
        el("strong", { text: s("Media library") }),
        el("label", { class: "btn small" }, [s("Upload"), upload]),
        el("button", { class: "btn small", type: "button", text: s("Close"),
          onclick: () => finish(null) }),
      ]),
      grid,
      el("div", { class: "picker-foot" }, [status, more]),
    );
    dialog.addEventListener("cancel", () => finish(null));
    document.body.append(dialog);
    dialog.showModal();
    load();
  });
}

export { el };
