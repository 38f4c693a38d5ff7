// Numbers, times and sizes as the UI prints them.

const ints = new Intl.NumberFormat("en-US");

/** 12,345 */
export function int(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? "–" : ints.format(Math.round(n));
}

/** 12.5% of a whole. */
export function pct(part: number, whole: number): string {
  if (!whole) return "–";
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/** A local date and time, short. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A time of day. */
export function clock(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString(undefined, { timeStyle: "short" });
}

/** 1.2 s, 340 ms. */
export function duration(ns: number | null | undefined): string {
  if (ns === null || ns === undefined) return "–";
  const ms = ns / 1e6;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** 1.4 MB, 820 B. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** JSON text pretty-printed when it parses, else as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** "1 tool call", "2 tool calls". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
