// Money in the console: merchants type yuan, the API speaks integer fen. No floats involved.

const YUAN = /^\d{1,8}(\.\d{1,2})?$/;

/** "99.9" -> 9990; "" -> null; anything else -> undefined (invalid). */
export function yuanToFen(text) {
  const value = String(text ?? "").trim().replace(/^¥/, "").replace(/,/g, "");
  if (value === "") return null;
  if (!YUAN.test(value)) return undefined;
  const [whole, part = ""] = value.split(".");
  return Number(whole) * 100 + Number((part + "00").slice(0, 2));
}

/** 9990 -> "99.90"; null -> "". */
export function fenToYuan(fen) {
  if (fen === null || fen === undefined || fen === "") return "";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** "12" -> 12; "" -> null; anything else -> undefined. */
export function wholeNumber(text, { min = 0 } = {}) {
  const value = String(text ?? "").trim();
  if (value === "") return null;
  if (!/^-?\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n < min ? undefined : n;
}
