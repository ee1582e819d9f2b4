// Reading block settings schemas: shared $defs references, defaults, the widget a property
// asks for (x-ui, else inferred from its type) and conditional fields (JSON Schema if/then/else
// and the x-visibleIf hint: {"source": "manual"} or {"source": ["manual", "group"]}).

import { deepClone } from "./dom.js";

let defsDocument = { $defs: {} };

export function setDefs(defs) {
  defsDocument = defs || { $defs: {} };
}

export function defs() {
  return defsDocument;
}

function lookupRef(ref) {
  const hash = ref.indexOf("#");
  const doc = hash >= 0 ? ref.slice(0, hash) : ref;
  const fragment = hash >= 0 ? ref.slice(hash + 1) : "";
  if (doc && !doc.endsWith("defs.schema.json")) return null;
  let here = defsDocument;
  for (const part of fragment.split("/").filter(Boolean)) {
    here = here && here[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return here || null;
}

/** The schema with its $ref (to the shared defs) merged in; the property's own keys win. */
export function resolve(schema) {
  if (!schema || typeof schema !== "object" || !schema.$ref) return schema || {};
  const target = lookupRef(schema.$ref);
  if (!target) return schema;
  const { $ref, ...own } = schema;
  return { ...resolve(target), ...own, "x-ref": $ref };
}

/** Which shared type a property is ("image", "link", "color", ...) or null. */
export function defName(schema) {
  const ref = schema && (schema["x-ref"] || schema.$ref);
  if (!ref) return null;
  const match = /\$defs\/([a-z_]+)$/.exec(ref);
  return match ? match[1] : null;
}

export function types(schema) {
  const s = resolve(schema);
  if (Array.isArray(s.type)) return s.type;
  if (s.type) return [s.type];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map((v) => (v === null ? "null" : typeof v)))];
  return [];
}

/** The widget for a property: its x-ui, or one inferred from the schema. */
export function widgetFor(schema) {
  const s = resolve(schema);
  if (s["x-ui"]) return s["x-ui"];
  const def = defName(s);
  if (def === "image") return "image";
  if (def === "link") return "link";
  if (def === "color") return "color";
  if (def === "rich_text") return "richtext";
  if (Array.isArray(s.enum)) return s.enum.length <= 3 ? "radio" : "select";
  const t = types(s).filter((x) => x !== "null");
  if (t.includes("boolean")) return "toggle";
  if (t.includes("integer") || t.includes("number")) return "number";
  if (t.includes("string")) return "text";
  if (t.includes("array") && s.items && resolve(s.items).type === "object") return "list";
  if (t.includes("object") && s.properties) return "object";
  return "json";
}

/** A fresh value for a property or array item: its default, else built from its properties. */
export function defaultFor(schema) {
  const s = resolve(schema);
  if (s.default !== undefined) return deepClone(s.default);
  if (s.type === "object" && s.properties) {
    const value = {};
    for (const [key, prop] of Object.entries(s.properties)) value[key] = defaultFor(prop);
    return value;
  }
  if (s.type === "array") return [];
  const t = types(s);
  if (t.includes("null")) return null;
  if (t.includes("string")) return "";
  if (t.includes("boolean")) return false;
  if (t.includes("integer") || t.includes("number")) return s.minimum ?? 0;
  return null;
}

/** The sub-schema that describes the value at pointer (inside objects and arrays). */
export function schemaAt(schema, parts) {
  let here = resolve(schema);
  for (const part of parts) {
    if (here.properties && here.properties[part]) here = resolve(here.properties[part]);
    else if (here.items && /^\d+$/.test(part)) here = resolve(here.items);
    else {
      // a oneOf/anyOf value (a link): the branch that has the property
      const branch = [...(here.oneOf || []), ...(here.anyOf || [])].map(resolve)
        .find((b) => b.properties && b.properties[part]);
      if (!branch) return null;
      here = resolve(branch.properties[part]);
    }
  }
  return here;
}

function matches(condition, value) {
  return Array.isArray(condition) ? condition.includes(value) : condition === value;
}

/**
 * Which properties of an object schema are shown for its current value. `test(ifSchema,
 * value)` evaluates a JSON Schema `if` (validate.js); x-visibleIf compares sibling values.
 */
export function visibleProperties(schema, value, test) {
  const s = resolve(schema);
  const shown = new Set(Object.keys(s.properties || {}));
  const conditions = [];
  const collect = (node) => {
    if (!node || typeof node !== "object") return;
    if (node.if) conditions.push(node);
    (node.allOf || []).forEach(collect);
  };
  collect(s);
  const mentioned = (branch) => new Set([...Object.keys((branch && branch.properties) || {}),
    ...((branch && branch.required) || [])]);
  for (const cond of conditions) {
    const ok = test(cond.if, value || {});
    const inThen = mentioned(cond.then);
    const inElse = mentioned(cond.else);
    for (const key of inThen) if (!inElse.has(key) && !ok) shown.delete(key);
    for (const key of inElse) if (!inThen.has(key) && ok) shown.delete(key);
  }
  for (const [key, prop] of Object.entries(s.properties || {})) {
    const rule = prop["x-visibleIf"] || prop["x-visible-if"];
    if (!rule || typeof rule !== "object") continue;
    for (const [other, wanted] of Object.entries(rule)) {
      if (!matches(wanted, (value || {})[other])) shown.delete(key);
    }
  }
  return shown;
}
