// x-ui "category-picker": a category of the shop's tree (indented by level), or none.
import { h } from "../dom.js";
import { t } from "../i18n.js";

export function render(field) {
  let value = field.value ?? null;
  const select = h("select", { id: field.id, "aria-describedby": field.errorId });
  const fill = (tree) => {
    const options = [h("option", { value: "", text: t("category.none") })];
    const walk = (nodes, depth) => nodes.forEach((node) => {
      options.push(h("option", { value: String(node.id), text: `${"　".repeat(depth)}${node.name}` }));
      walk(node.children || [], depth + 1);
    });
    walk(tree, 0);
    select.replaceChildren(...options);
    select.value = value === null ? "" : String(value);
  };
  field.services.catalog.categories().then(fill);
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
