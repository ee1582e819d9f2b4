// Labels for enum values: the manifest's x-enumLabels when given, else the editor catalog's
// words for common values ("card" -> 卡片), else the value itself.
import { has, label, t } from "../i18n.js";

export function optionLabel(schema, value) {
  const labels = schema["x-enumLabels"];
  if (labels && labels[String(value)]) return label(labels[String(value)]);
  if (value === null) return t("option.none");
  const key = `option.${value}`;
  return has(key) ? t(key) : String(value);
}

export function optionsOf(schema) {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (Array.isArray(schema.oneOf)) return schema.oneOf.filter((o) => "const" in o).map((o) => o.const);
  return [];
}
