// x-ui "richtext": formatted text with a small toolbar (bold, italic, underline, heading,
// lists, link, clear). The HTML is cleaned again on the server when the page is rendered;
// here it is cleaned before it is shown so pasted or stored markup cannot run.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";

const TAGS = new Set(["P", "BR", "STRONG", "B", "EM", "I", "U", "S", "A", "UL", "OL", "LI", "H2",
  "H3", "H4", "BLOCKQUOTE", "IMG", "SPAN", "DIV"]);
const ATTRS = { A: ["href", "title"], IMG: ["src", "alt", "width", "height"], SPAN: ["style"], P: ["style"] };

/** The allow-listed subset of an HTML string (same lists as runtime/pages/richtext.py). */
export function clean(html) {
  const doc = new DOMParser().parseFromString(`<div>${html || ""}</div>`, "text/html");
  const walk = (node) => {
    for (const child of [...node.childNodes]) {
      if (child.nodeType === Node.TEXT_NODE) continue;
      if (child.nodeType !== Node.ELEMENT_NODE || !TAGS.has(child.tagName)) {
        if (child.nodeType === Node.ELEMENT_NODE && !["SCRIPT", "STYLE", "IFRAME", "OBJECT"].includes(child.tagName)) {
          walk(child);
          child.replaceWith(...child.childNodes);
        } else child.remove();
        continue;
      }
      const allowed = ATTRS[child.tagName] || [];
      for (const attr of [...child.attributes]) {
        const value = attr.value.trim().toLowerCase();
        if (!allowed.includes(attr.name) || ((attr.name === "href" || attr.name === "src")
            && !/^(https?:|mailto:|tel:)/.test(value))) child.removeAttribute(attr.name);
      }
      walk(child);
    }
  };
  const root = doc.body.firstChild;
  walk(root);
  return root.innerHTML;
}

const ACTIONS = [
  ["bold", "bold", () => document.execCommand("bold")],
  ["italic", "italic", () => document.execCommand("italic")],
  ["underline", "underline", () => document.execCommand("underline")],
  ["heading", "heading", () => document.execCommand("formatBlock", false, "h3")],
  ["paragraph", "paragraph", () => document.execCommand("formatBlock", false, "p")],
  ["list", "list", () => document.execCommand("insertUnorderedList")],
  ["ordered", "list-ordered", () => document.execCommand("insertOrderedList")],
  ["link", "link", () => {
    const url = window.prompt(t("richtext.linkPrompt"), "https://");
    if (url && /^https?:\/\//.test(url)) document.execCommand("createLink", false, url);
  }],
  ["clear", "eraser", () => document.execCommand("removeFormat")],
];

export function render(field) {
  const area = h("div", { class: "ed-richtext-area", contenteditable: "true", id: field.id,
    role: "textbox", "aria-multiline": "true", "aria-label": field.label,
    "aria-describedby": field.errorId });
  area.innerHTML = clean(field.value);
  const emit = () => field.onChange(area.innerHTML, { coalesce: field.pointer });
  const toolbar = h("div", { class: "ed-richtext-bar", role: "toolbar" }, ACTIONS.map(([name, ic, run]) =>
    h("button", { type: "button", class: "ed-tool", title: t(`richtext.${name}`),
      "aria-label": t(`richtext.${name}`),
      onmousedown: (event) => event.preventDefault(),
      onclick: () => { area.focus(); run(); emit(); } }, [icon(ic)])));
  const onPaste = (event) => {
    event.preventDefault();
    const text = event.clipboardData.getData("text/plain");
    document.execCommand("insertText", false, text);
  };
  area.addEventListener("input", emit);
  area.addEventListener("paste", onPaste);
  return {
    el: h("div", { class: "ed-richtext" }, [toolbar, area]),
    read: () => area.innerHTML,
    update(value) { if (area.innerHTML !== value) area.innerHTML = clean(value); },
    validate: () => [],
    teardown() { area.removeEventListener("input", emit); area.removeEventListener("paste", onPaste); },
  };
}
