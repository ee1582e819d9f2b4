// Client-side checks with the same schemas the server uses (vendored Ajv, draft 2020-12):
// errors as {pointer, code, message} with messages from the editor's catalog, and the server's
// problem+json errors localized the same way when their keyword is known.

import { label, t } from "./i18n.js";
import { defs, schemaAt, resolve } from "./schema.js";
import { parsePointer } from "./model.js";

let ajv = null;
const compiled = new Map();

function engine() {
  if (ajv) return ajv;
  const Ajv = window.ajv2020 && (window.ajv2020.default || window.ajv2020);
  if (!Ajv) return null;
  ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema(defs());
  return ajv;
}

/** A compiled validator for a block type's settings (cached), or null without Ajv. */
export function validatorFor(key, schema) {
  if (compiled.has(key)) return compiled.get(key);
  const a = engine();
  let fn = null;
  if (a) {
    try {
      fn = a.compile({ ...schema, $id: `https://mallkit.dev/blocks/${key}/settings.json` });
    } catch (error) {
      console.warn("editor: cannot compile the schema of", key, error);
    }
  }
  compiled.set(key, fn);
  return fn;
}

/** Does value satisfy a (sub)schema? Used for if/then conditions. */
export function test(schema, value) {
  const a = engine();
  if (!a) return true;
  const key = JSON.stringify(schema);
  let fn = compiled.get(`if:${key}`);
  if (!fn) {
    try {
      fn = a.compile({ ...schema, $id: `https://mallkit.dev/editor/if/${compiled.size}.json` });
    } catch (error) {
      return true;
    }
    compiled.set(`if:${key}`, fn);
  }
  return fn(value);
}

const TYPE_WORDS = { integer: "type.integer", number: "type.number", string: "type.string",
  boolean: "type.boolean", array: "type.array", object: "type.object", null: "type.null" };

/** A message for a JSON Schema keyword, using the limits of the field's schema. */
export function messageFor(code, field = {}, params = {}) {
  const s = resolve(field || {});
  switch (code) {
    case "maxLength": return t("error.maxLength", { n: params.limit ?? s.maxLength });
    case "minLength":
      return (params.limit ?? s.minLength) <= 1 ? t("error.empty")
        : t("error.minLength", { n: params.limit ?? s.minLength });
    case "maximum": return t("error.maximum", { n: params.limit ?? s.maximum });
    case "minimum": return t("error.minimum", { n: params.limit ?? s.minimum });
    case "exclusiveMinimum": return t("error.exclusiveMinimum", { n: params.limit ?? s.exclusiveMinimum });
    case "exclusiveMaximum": return t("error.exclusiveMaximum", { n: params.limit ?? s.exclusiveMaximum });
    case "maxItems": return t("error.maxItems", { n: params.limit ?? s.maxItems });
    case "minItems": return t("error.minItems", { n: params.limit ?? s.minItems });
    case "type": {
      const wanted = [].concat(params.type || s.type || []).filter((x) => x !== "null")[0];
      return t("error.type", { type: t(TYPE_WORDS[wanted] || "type.value") });
    }
    case "enum": case "const": return t("error.enum");
    case "pattern": case "format":
      return s["x-patternMessage"] ? label(s["x-patternMessage"]) : t("error.pattern");
    case "required": return t("error.required");
    case "unknown": case "additionalProperties": return t("error.unknown");
    case "uniqueItems": return t("error.unique");
    case "multipleOf": return t("error.multipleOf", { n: params.multipleOf ?? s.multipleOf });
    default: return null;
  }
}

function pointerOf(error) {
  if (error.keyword === "required") return `${error.instancePath}/${error.params.missingProperty}`;
  if (error.keyword === "additionalProperties") {
    return `${error.instancePath}/${error.params.additionalProperty}`;
  }
  return error.instancePath;
}

/** Keep, for each failed oneOf/anyOf, only the errors of the branch the value was meant for. */
function pickBranches(errors) {
  const composite = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  let kept = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf");
  for (const c of composite) {
    const prefix = `${c.schemaPath}/`;
    const inside = kept.filter((e) => e.schemaPath.startsWith(prefix));
    kept = kept.filter((e) => !e.schemaPath.startsWith(prefix));
    const branches = new Map();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split("/")[0];
      if (!branches.has(branch)) branches.set(branch, []);
      branches.get(branch).push(e);
    }
    const candidates = [...branches.values()].filter((list) => !list.some((e) =>
      e.keyword === "const" || (e.keyword === "type" && e.instancePath === c.instancePath)));
    if (candidates.length) {
      candidates.sort((a, b) => a.length - b.length);
      kept.push(...candidates[0]);
    } else {
      kept.push({ ...c, keyword: "pattern" });
    }
  }
  return kept;
}

/** Errors of settings against a block's schema: [{pointer, code, message}]. */
export function check(key, schema, settings) {
  const fn = validatorFor(key, schema);
  if (!fn || fn(settings)) return [];
  const seen = new Set();
  const out = [];
  for (const error of pickBranches(fn.errors || [])) {
    const pointer = pointerOf(error);
    const field = schemaAt(schema, parsePointer(pointer)) || {};
    const message = messageFor(error.keyword, field, error.params) || error.message;
    const id = `${pointer}|${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ pointer, code: error.keyword, message });
  }
  return out;
}

/** A server error (pointer relative to the settings) in the user's language when possible. */
export function localizeServer(error, schema, relative) {
  const field = schema ? schemaAt(schema, parsePointer(relative)) : null;
  const message = field ? messageFor(error.code, field) : null;
  return message || error.message;
}
