// `npx tsx bench/heap-diff.ts A.heapsnapshot B.heapsnapshot [--top 30]`: what grew between two V8 heap
// snapshots (the soak's --heap-snapshots writes them): objects by type and constructor, with their count
// and self size in each, sorted by growth; and strings grouped by their first 60 characters, so a cache of
// texts shows as the texts it holds. A reading aid for the soak, not a benchmark: it prints no figure the
// docs quote. Parses the whole snapshot (give node --max-old-space-size for big heaps).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Tally {
  count: number;
  bytes: number;
}

function tally(file: string): { objects: Map<string, Tally>; strings: Map<string, Tally> } {
  const s = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const objects = new Map<string, Tally>();
  const strings = new Map<string, Tally>();
  const add = (m: Map<string, Tally>, key: string, bytes: number) => {
    const t = m.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += bytes;
    m.set(key, t);
  };
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]];
    const name = s.strings[s.nodes[i + nameAt]];
    const bytes = s.nodes[i + sizeAt];
    if (type === "string" || type === "concatenated string" || type === "sliced string") {
      add(objects, `(${type})`, bytes);
      add(strings, name.slice(0, 60).replace(/\s+/g, " "), bytes);
    } else add(objects, `${type} ${name.slice(0, 80)}`, bytes);
  }
  return { objects, strings };
}

function growth(a: Map<string, Tally>, b: Map<string, Tally>, top: number) {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys]
    .map((k) => {
      const x = a.get(k) ?? { count: 0, bytes: 0 };
      const y = b.get(k) ?? { count: 0, bytes: 0 };
      return {
        what: k,
        count_a: x.count,
        count_b: y.count,
        kib_a: Math.round(x.bytes / 1024),
        kib_b: Math.round(y.bytes / 1024),
        grew_kib: Math.round((y.bytes - x.bytes) / 1024),
      };
    })
    .sort((p, q) => q.grew_kib - p.grew_kib)
    .slice(0, top);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "30" }, help: { type: "boolean" } },
});
if (values.help || positionals.length !== 2) {
  console.error("usage: npx tsx bench/heap-diff.ts A.heapsnapshot B.heapsnapshot [--top 30]");
  process.exit(values.help ? 0 : 2);
}
const top = Number(values.top);
const a = tally(positionals[0]);
const b = tally(positionals[1]);
const total = (m: Map<string, Tally>) => [...m.values()].reduce((n, t) => n + t.bytes, 0);
console.log(
  `heap (self sizes): ${Math.round(total(a.objects) / 2 ** 20)} MiB → ${Math.round(total(b.objects) / 2 ** 20)} MiB`,
);
console.table(growth(a.objects, b.objects, top));
console.table(growth(a.strings, b.strings, top));
