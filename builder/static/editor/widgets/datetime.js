// x-ui "datetime": a local date and time, stored as ISO 8601 with the browser's offset.
import { h } from "../dom.js";

function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function toIso(local) {
  if (!local) return null;
  const d = new Date(local);
  if (Number.isNaN(d.getTime())) return local;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${local}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export function render(field) {
  const input = h("input", { type: "datetime-local", id: field.id, "aria-describedby": field.errorId });
  input.value = toLocalInput(field.value);
  const onChange = () => field.onChange(input.value ? toIso(input.value) : (field.schema.default ?? null));
  input.addEventListener("change", onChange);
  return {
    el: input,
    read: () => toIso(input.value),
    update(value) { input.value = toLocalInput(value); },
    validate: () => [],
    teardown() { input.removeEventListener("change", onChange); },
  };
}
