// Where the bench's lmos peers keep a conversation: a fresh SQLite home (the default), or a fresh schema on
// PostgreSQL (`--store postgres`: LMOS_DATABASE_URL, else the local test server), dropped after the
// conversation, so every conversation starts empty on either store.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { PeerEnv } from "./peer.ts";

export const BENCH_STORES = ["sqlite", "postgres"] as const;
export type BenchStore = (typeof BENCH_STORES)[number];

/** The PostgreSQL server the bench uses: LMOS_DATABASE_URL, else the local test database. */
export function benchDatabaseUrl(): string {
  return process.env.LMOS_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
}

/** A home folder, and on PostgreSQL the URL of a new schema; `dispose` removes both. */
export interface BenchLmosHome {
  home: string;
  databaseUrl?: string;
  dispose(): Promise<void>;
}

/** A fresh place for one conversation on the store `env` names. */
export function freshLmosHome(env?: PeerEnv): BenchLmosHome {
  const home = mkdtempSync(join(tmpdir(), "lmos-locomo-"));
  if (env?.store !== "postgres")
    return { home, dispose: async () => rmSync(home, { recursive: true, force: true }) };
  const base = env.databaseUrl ?? benchDatabaseUrl();
  const schema = `lmos_bench_${randomBytes(6).toString("hex")}`;
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  return {
    home,
    databaseUrl: url.toString(),
    async dispose() {
      rmSync(home, { recursive: true, force: true });
      url.searchParams.delete("schema");
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
