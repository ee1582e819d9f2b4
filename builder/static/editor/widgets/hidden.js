// x-ui "hidden": not shown; the stored value is kept unchanged.
export function render(field) {
  const value = field.value;
  return { el: null, read: () => value, update() {}, validate: () => [], teardown() {} };
}
