// Reads one string field out of JSON that is still arriving, so the `message` argument of send_message can
// be shown token by token while the model writes the call.

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** The decoded prefix of the top-level string field `field` in partial JSON; null until its value starts. */
export function partialStringField(json: string, field: string): string | null {
  const key = new RegExp(`"${field}"\\s*:\\s*"`).exec(json);
  if (!key) return null;
  let out = "";
  for (let i = key.index + key[0].length; i < json.length; i++) {
    const c = json[i];
    if (c === '"') return out;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = json[i + 1];
    if (next === undefined) return out; // the escape is cut off: show it once it is complete
    if (next === "u") {
      const hex = json.slice(i + 2, i + 6);
      if (hex.length < 4) return out;
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    } else {
      out += ESCAPES[next] ?? next;
      i += 1;
    }
  }
  return out;
}
