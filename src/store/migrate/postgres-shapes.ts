// What a PostgreSQL schema holds, as migrate's logical tables: columns, keys and foreign keys from
// information_schema, with the store's derived columns (tsv, vec) and the `seq` that only orders rows set
// aside, and anything migrate would not know how to rebuild refused.
import { LmosError } from "../../errors.ts";
import type { Db } from "../postgres/db.ts";
import { POSTGRES_DERIVED_COLUMNS, POSTGRES_SKIPPED_TABLES, SEARCH_TEXT } from "./derived.ts";
import { PROGRESS_TABLE, type TableShape } from "./types.ts";

/** How one table is stored, beyond its logical shape. */
export interface Meta {
  types: Map<string, string>; // column → udt name (text, int4, int8, bytea, …)
  identity: Set<string>;
  orderColumn: string | null; // the `seq` identity column that only orders the rows
  tsv: boolean;
  terms: boolean;
  vec: boolean;
}

/** The logical tables of a schema and how each is stored. */
export async function readShapes(
  db: Db,
  schema: string,
): Promise<{ shapes: TableShape[]; meta: Map<string, Meta> }> {
  const metas = new Map<string, Meta>();
  const cols = await db.all<{ t: string; c: string; udt: string; identity: string }>(
    `SELECT c.table_name AS t, c.column_name AS c, c.udt_name AS udt, c.is_identity AS identity
     FROM information_schema.columns c JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = ? ORDER BY c.table_name, c.ordinal_position`,
    schema,
  );
  const keys = await db.all<{ t: string; ref: string }>(
    `SELECT tc.table_name AS t, ccu.table_name AS ref
     FROM information_schema.table_constraints tc JOIN information_schema.constraint_column_usage ccu
       ON ccu.constraint_schema = tc.constraint_schema AND ccu.constraint_name = tc.constraint_name
     WHERE tc.table_schema = ? AND tc.constraint_type = 'FOREIGN KEY'`,
    schema,
  );
  const order = await db.all<{ t: string; c: string; n: number }>(
    `SELECT tc.table_name AS t, kcu.column_name AS c, kcu.ordinal_position AS n
     FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu
       ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
     WHERE tc.table_schema = ? AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position`,
    schema,
  );
  const names = [...new Set(cols.map((c) => c.t))].filter(
    (t) => !POSTGRES_SKIPPED_TABLES.has(t) && t !== PROGRESS_TABLE,
  );
  const shapes = names.map((name) => {
    const own = cols.filter((c) => c.t === name);
    const pk = order.filter((k) => k.t === name).map((k) => k.c);
    const meta: Meta = {
      types: new Map(),
      identity: new Set(),
      orderColumn: null,
      tsv: false,
      terms: false,
      vec: false,
    };
    const columns: string[] = [];
    for (const c of own) {
      if (POSTGRES_DERIVED_COLUMNS.has(c.c)) {
        if (c.c === "tsv" && !(name in SEARCH_TEXT)) {
          throw new LmosError(
            "internal",
            `${name}.tsv is a search index lmos migrate does not know how to rebuild`,
          );
        }
        meta[c.c as "tsv" | "terms" | "vec"] = true;
        continue;
      }
      if (c.udt === "tsvector" || c.udt === "vector") {
        throw new LmosError("internal", `${name}.${c.c} (${c.udt}) is an index lmos migrate does not know`);
      }
      if (c.identity === "YES") meta.identity.add(c.c);
      // A seq identity outside the primary key only orders the rows (SQLite's rowid): not a value.
      if (c.c === "seq" && c.identity === "YES" && !pk.includes("seq")) {
        meta.orderColumn = "seq";
        continue;
      }
      meta.types.set(c.c, c.udt);
      columns.push(c.c);
    }
    metas.set(name, meta);
    const refs = keys.filter((k) => k.t === name).map((k) => k.ref);
    return {
      name,
      columns: columns.sort(),
      insertionOrder: meta.orderColumn !== null || pk.includes("seq"),
      key: pk.length ? pk : [...columns].sort(),
      refs: [...new Set(refs)],
    };
  });
  return { shapes, meta: metas };
}
