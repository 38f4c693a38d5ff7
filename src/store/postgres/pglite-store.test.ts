// The Store conformance suite against PGlite (PostgreSQL in WebAssembly, in this process) with its
// pgvector extension, so the pgvector SQL path (the `vec` columns and the <=> operator) runs the same
// assertions as the exact-scan fallback does on the server. The store reaches PGlite the way it reaches
// any PostgreSQL: `pg` over TCP, here to PGlite's socket server on a random loopback port.
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeConformance } from "../conformance.testkit.ts";
import type { PostgresStore } from "./store.ts";
import { testSchemas } from "./test-database.testkit.ts";

let db: PGlite;
let server: PGLiteSocketServer;
let schemas: ReturnType<typeof testSchemas>;

beforeAll(async () => {
  db = await PGlite.create({ extensions: { vector } });
  server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 64 });
  await server.start();
  schemas = testSchemas(`postgres://postgres@${server.getServerConn()}/postgres`, 2);
});
afterAll(async () => {
  await schemas?.dropAll();
  await server?.stop();
  await db?.close();
});

storeConformance("pglite with pgvector", () => schemas.openFresh(), {
  openPersistent: () => schemas.persistent(),
});

describe("pglite specifics", () => {
  it("uses pgvector when the extension exists", async () => {
    const store = (await schemas.openFresh()) as PostgresStore;
    try {
      expect(store.pgvector).toBe(true);
    } finally {
      await store.close();
    }
  });
});
