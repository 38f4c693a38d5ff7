// Which tables a migration copies, in which order, and how each is digested: the logical tables of both
// ends must be the same (names, columns, keys), or the migration stops before it copies anything.
import { LmosError } from "../../errors.ts";
import type { ReadOrder, TableShape } from "./types.ts";

/** One table to copy: its shape at each end, and the order both ends digest it in. */
export interface PlannedTable {
  name: string;
  source: TableShape;
  target: TableShape;
  /** Insertion order when both ends keep one (so the digest proves the order was kept), else the key. */
  digestOrder: ReadOrder;
}

const list = (names: string[]) => names.join(", ");

/** The tables in an order where every table comes after those it references. */
export function plan(source: TableShape[], target: TableShape[]): PlannedTable[] {
  const bySource = new Map(source.map((t) => [t.name, t]));
  const byTarget = new Map(target.map((t) => [t.name, t]));
  const onlySource = source.filter((t) => !byTarget.has(t.name)).map((t) => t.name);
  const onlyTarget = target.filter((t) => !bySource.has(t.name)).map((t) => t.name);
  if (onlySource.length || onlyTarget.length) {
    throw new LmosError(
      "internal",
      `the two installations' tables differ (${[
        onlySource.length ? `only in the source: ${list(onlySource)}` : "",
        onlyTarget.length ? `only in the target: ${list(onlyTarget)}` : "",
      ]
        .filter(Boolean)
        .join("; ")}): nothing copied`,
    );
  }
  const planned = new Map<string, PlannedTable>();
  for (const s of source) {
    const t = byTarget.get(s.name)!;
    if (s.columns.join() !== t.columns.join()) {
      const a = s.columns.filter((c) => !t.columns.includes(c));
      const b = t.columns.filter((c) => !s.columns.includes(c));
      throw new LmosError(
        "internal",
        `table ${s.name}: columns differ (source only: ${list(a) || "none"}; target only: ${list(b) || "none"}): nothing copied`,
      );
    }
    const both = s.insertionOrder && t.insertionOrder;
    if (!both && s.key.join() !== t.key.join()) {
      throw new LmosError(
        "internal",
        `table ${s.name}: primary keys differ (${list(s.key)} / ${list(t.key)})`,
      );
    }
    planned.set(s.name, { name: s.name, source: s, target: t, digestOrder: both ? "insertion" : "key" });
  }
  // Depth-first topological order on foreign keys (self-references and unknown tables ignored).
  const out: PlannedTable[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string) => {
    if (state.get(name)) return;
    state.set(name, 1);
    const p = planned.get(name)!;
    for (const ref of new Set([...p.source.refs, ...p.target.refs])) {
      if (ref !== name && planned.has(ref) && !state.get(ref)) visit(ref);
    }
    state.set(name, 2);
    out.push(p);
  };
  for (const name of [...planned.keys()].sort()) visit(name);
  return out;
}
