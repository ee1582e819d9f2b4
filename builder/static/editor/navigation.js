// The bottom tab bar's editor panel: the bar's form (the page editor's schema widgets), checked
// as you type with the server's schema, a live preview of the bar, and "save and apply"
// (PUT /editor/navigation with the revision loaded; the server's pointers land on the fields).
import * as api from "./api.js";
import { toast } from "./dialog.js";
import { h } from "./dom.js";
import { setCatalog, t } from "./i18n.js";
import { icon } from "./icons.js";
import { SchemaForm } from "./form.js";
import { MediaLibrary } from "./media.js";
import { Catalog } from "./pickers.js";
import { setDefs } from "./schema.js";
import { check } from "./validate.js";

function start(root, boot) {
  setCatalog(boot.messages, boot.labelLocale);
  setDefs(boot.defs);
  const media = new MediaLibrary({ listUrl: boot.media.list, uploadUrl: boot.media.upload,
    imagesUrl: boot.urls.images, maxImageBytes: boot.media.maxImageBytes });
  const services = { media, catalog: new Catalog(boot.urls) };
  const bar = root.querySelector("[data-bar]");
  const status = root.querySelector("[data-status]");
  const save = root.querySelector("[data-save]");
  let value = boot.navigation;
  let revision = boot.revision;
  let saved = JSON.stringify(value);

  const paint = () => {
    bar.style.background = value.background || "#fff";
    bar.replaceChildren(...(value.items || []).map((item, i) => h("span", {
      class: `nav-editor__item${i === 0 ? " is-current" : ""}`,
      style: `color:${i === 0 ? (value.selected_color || "var(--primary, #ee0a24)") : (value.color || "#646566")}`,
    }, [icon(item.icon || "home"), h("span", { text: item.text || "" }),
      item.badge === "cart" ? h("b", { class: "nav-editor__badge", text: "2" }) : null])));
    const dirty = JSON.stringify(value) !== saved;
    status.textContent = dirty ? t("navigation.unsaved") : "";
    save.disabled = !dirty;
  };
  const form = new SchemaForm({
    schema: boot.schema, value, services,
    onChange: (next) => {
      value = next;
      form.showErrors(check("navigation", boot.schema, value));
      paint();
    },
  });
  root.querySelector("[data-form]").append(form.el);

  save.addEventListener("click", async () => {
    const local = check("navigation", boot.schema, value);
    form.showErrors(local);
    if (local.length) { toast(t("navigation.invalid"), { kind: "error" }); return; }
    save.disabled = true;
    try {
      const answer = await api.put(boot.urls.state, { navigation: value, revision });
      revision = answer.revision;
      value = answer.navigation;
      saved = JSON.stringify(value);
      form.setValue(value);
      form.showErrors([]);
      toast(t("navigation.saved"));
    } catch (error) {
      if (error.code === "navigation_conflict") toast(t("navigation.conflict"), { kind: "error" });
      else {
        form.showErrors(error.errors.map((e) => ({ pointer: e.pointer, message: e.message })));
        toast(error.errors.length ? t("navigation.invalid") : error.message, { kind: "error" });
      }
    }
    paint();
  });
  paint();
  root.dataset.ready = "true";
}

const root = document.getElementById("nav-editor");
start(root, JSON.parse(document.getElementById("navigation-boot").textContent));
