// Messages for the editor's scripts from the JSON catalog the page embeds
// (static/editor/i18n/<locale>.json); manifest text ({"zh-CN", "en"}) in the user's language.

let messages = {};
let labelLocale = "zh-CN";

export function setCatalog(catalog, manifestLocale) {
  messages = catalog || {};
  labelLocale = manifestLocale || "zh-CN";
}

/** t("save.saved") or t("limit", {n: 3}): the message with {name} placeholders filled. */
export function t(key, params) {
  let text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
  if (params) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) =>
      (params[name] === undefined ? whole : String(params[name])));
  }
  return text;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** A localized manifest text in the user's language, falling back to Chinese. */
export function label(text, fallback = "") {
  if (!text) return fallback;
  if (typeof text === "string") return text;
  return text[labelLocale] || text["zh-CN"] || Object.values(text)[0] || fallback;
}

export function locale() {
  return labelLocale;
}
