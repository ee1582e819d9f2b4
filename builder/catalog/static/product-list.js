// Product list: "select all" for the bulk-action form.
const form = document.querySelector("[data-bulk-form]");
if (form) {
  const all = form.querySelector("[data-select-all]");
  const boxes = () => [...form.querySelectorAll('input[name="product_ids"]')];
  all?.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
  form.addEventListener("change", (event) => {
    if (event.target.name !== "product_ids" || !all) return;
    const list = boxes();
    all.checked = list.length > 0 && list.every((box) => box.checked);
    all.indeterminate = !all.checked && list.some((box) => box.checked);
  });
}
