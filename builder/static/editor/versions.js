// Version history: every published version with its note, a read-only preview of any of them
// in the phone, and rollback (publishing that version again as a new one).
import * as api from "./api.js";
import { confirm, modal, toast } from "./dialog.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export class Versions {
  constructor({ url, preview, onPreview, onRolledBack }) {
    this.url = url;
    this.preview = preview;
    this.onPreview = onPreview;
    this.onRolledBack = onRolledBack;
  }

  async open() {
    const m = modal({ title: t("history.title"), className: "ed-history" });
    const list = h("ol", { class: "ed-versions" });
    m.body.append(h("p", { class: "ed-hint", text: t("history.hint") }), list);
    const draw = async () => {
      list.replaceChildren(h("li", { class: "ed-hint", text: t("media.loading") }));
      let data;
      try {
        data = await api.get(this.url);
      } catch (error) {
        list.replaceChildren(h("li", { class: "ed-field-error", text: t("error.network") }));
        return;
      }
      if (!data.versions.length) {
        list.replaceChildren(h("li", { class: "ed-hint", text: t("history.none") }));
        return;
      }
      list.replaceChildren(...data.versions.map((v) => {
        const live = v.number === data.live_version;
        return h("li", { class: `ed-version${live ? " is-live" : ""}`, dataset: { version: String(v.number) } }, [
          h("div", { class: "ed-version-main" }, [
            h("strong", { text: `v${v.number}` }),
            live ? h("span", { class: "ed-badge ok", text: t("history.live") }) : null,
            h("span", { class: "ed-badge", text: t(`history.source.${v.source}`) }),
            h("span", { class: "ed-version-time", text: v.published_local || when(v.published_at) }),
          ]),
          v.note ? h("p", { class: "ed-version-note", text: v.note }) : null,
          h("div", { class: "ed-version-actions" }, [
            h("button", { type: "button", class: "btn small", "data-action": "preview", onclick: () => {
              m.close();
              this.onPreview(v);
            } }, [icon("eye"), t("history.preview")]),
            live ? null : h("button", { type: "button", class: "btn small", "data-action": "rollback", onclick: async () => {
              const ok = await confirm({ title: t("history.rollback"), ok: t("history.rollback"),
                message: t("history.rollbackConfirm", { n: v.number }) });
              if (!ok) return;
              try {
                const done = await api.post(`${this.url}/${v.number}/rollback`, {});
                toast(t("history.rolledBack", { n: v.number, version: done.number }), { kind: "success" });
                this.onRolledBack(done);
                draw();
              } catch (error) {
                toast(error.message, { kind: "error" });
              }
            } }, [icon("history"), t("history.rollback")]),
          ]),
        ]);
      }));
    };
    draw();
    return m.closed;
  }
}
