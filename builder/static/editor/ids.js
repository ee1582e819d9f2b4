// Block ids: short, random, stable across edits (page.schema.json: [A-Za-z0-9_-]{1,40}).

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function newBlockId(taken = new Set()) {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(8));
    let id = "b";
    for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
    if (!taken.has(id)) return id;
  }
}
