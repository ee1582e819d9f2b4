// x-ui "choice": a drop-down of what the shop has for the setting's x-source (article
// categories, ...), fetched from the console; an empty option when the schema allows ""/null.
import { h } from "../dom.js";
import { label, t } from "../i18n.js";
import { types } from "../schema.js";

export function render(field) {
  const schema = field.schema;
  const empty = types(schema).includes("null") ? null : "";
  let value = field.value ?? empty;
  const select = h("select", { id: field.id, "aria-describedby": field.errorId });
  let options = [];
  const fill = (items) => {
    options = items.map((item) => item.value);
    const blank = schema["x-emptyLabel"] ? label(schema["x-emptyLabel"]) : t("choice.none");
    select.replaceChildren(h("option", { value: "", text: blank }),
      ...items.map((item, i) => h("option", { value: String(i), text: item.label })));
    if (value !== empty && !options.includes(value)) {
      options.push(value);
      select.append(h("option", { value: String(options.length - 1),
        text: t("choice.missing", { value: String(value) }) }));
    }
    show();
  };
  const show = () => {
    const at = options.indexOf(value);
    select.value = value === empty || at < 0 ? "" : String(at);
  };
  field.services.catalog.choices(schema["x-source"]).then(fill);
  const onChange = () => {
    value = select.value === "" ? empty : options[Number(select.value)];
    field.onChange(value);
  };
  select.addEventListener("change", onChange);
  return {
    el: select,
    read: () => value,
    update(next) { value = next ?? empty; show(); },
    validate: () => [],
    teardown() { select.removeEventListener("change", onChange); },
  };
}
