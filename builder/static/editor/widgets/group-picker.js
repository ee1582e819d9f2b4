// x-ui "group-picker": a product group (分组) of the shop, or none.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { types } from "../schema.js";

export function render(field) {
  let value = field.value ?? null;
  const select = h("select", { id: field.id, "aria-describedby": field.errorId });
  const nullable = types(field.schema).includes("null");
  const fill = (groups) => {
    select.replaceChildren(
      h("option", { value: "", text: nullable ? t("group.none") : t("group.choose") }),
      ...groups.map((g) => h("option", { value: String(g.id), text: g.name })));
    if (value !== null && !groups.some((g) => g.id === value)) {
      select.append(h("option", { value: String(value), text: t("group.missing", { id: value }) }));
    }
    select.value = value === null ? "" : String(value);
  };
  field.services.catalog.groups().then(fill);
  const onChange = () => { value = select.value ? Number(select.value) : null; field.onChange(value); };
  select.addEventListener("change", onChange);
  return {
    el: select,
    read: () => value,
    update(next) { value = next ?? null; select.value = value === null ? "" : String(value); },
    validate: () => [],
    teardown() { select.removeEventListener("change", onChange); },
  };
}
