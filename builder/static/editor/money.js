// Money is stored in fen (integers) and shown in yuan: 1290 -> "¥12.90".

export function yuan(fen) {
  if (typeof fen !== "number" || !Number.isFinite(fen)) return "";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(Math.round(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** A price range "¥9.90 - ¥19.90", or one price when both ends are equal. */
export function yuanRange(low, high) {
  if (high === undefined || high === null || high === low) return yuan(low);
  return `${yuan(low)} - ${yuan(high)}`;
}
