// Repeated fieldsets of a generated module settings form: add and remove rows of an array
// setting. Rows are named `<setting>.<index>.<member>`; indices are renumbered after every
// change so the server reads them in the order shown.

const INDEXED = /^([^.]+)\.(\d+|__index__)\.(.+)$/;

function renumber(list) {
  const rows = list.querySelectorAll(":scope > [data-rows] > [data-row]");
  rows.forEach((row, index) => {
    row.querySelectorAll("[name]").forEach((input) => {
      const match = INDEXED.exec(input.name);
      if (match) input.name = `${match[1]}.${index}.${match[3]}`;
    });
  });
  const max = Number(list.dataset.max || Infinity);
  const add = list.querySelector(":scope > [data-add-row]");
  if (add) add.disabled = rows.length >= max;
}

export function setup(list) {
  const rows = list.querySelector(":scope > [data-rows]");
  const template = list.querySelector(":scope > template[data-row-template]");
  const onClick = (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-add-row]") && template) {
      rows.append(template.content.cloneNode(true));
      renumber(list);
      const inputs = rows.lastElementChild?.querySelectorAll("input, select");
      inputs?.[0]?.focus();
    } else if (target.closest("[data-remove-row]")) {
      target.closest("[data-row]")?.remove();
      renumber(list);
    }
  };
  list.addEventListener("click", onClick);
  renumber(list);
  return () => list.removeEventListener("click", onClick);
}

document.querySelectorAll("form.module-settings [data-list]").forEach(setup);
