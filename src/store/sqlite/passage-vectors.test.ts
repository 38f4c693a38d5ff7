// The passages' vector index answers as the exact scan does: on small sets, under every filter, after
// deletes, after another connection wrote behind its back, and when its file is missing or torn; a missing
// or stale index is built on a worker thread while searches go on.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { agent, at, passage } from "../conformance/fixtures.testkit.ts";
import { openSqliteStore, type PassageFilter, type Store } from "../index.ts";
import type { VectorIndexEvent } from "./passage-vectors.ts";

const DIM = 32;
let dir: string;
let path: string;
const open: Store[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lmos-vectors-"));
  path = join(dir, "lmos.db");
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

// Inline builds: these tests check the index's answers, so the index must be there at the first search.
async function store(mode: "auto" | "exact" = "auto"): Promise<Store> {
  const s = await openSqliteStore(path, { vectorSearch: { mode, minRows: 0, build: "inline" } });
  open.push(s);
  return s;
}
async function close(s: Store) {
  open.splice(open.indexOf(s), 1);
  await s.close();
}

let seed = 5;
function rand() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const centres = Array.from({ length: 6 }, () => Float32Array.from({ length: DIM }, () => rand() - 0.5));
function vector(): Float32Array {
  const c = centres[Math.floor(rand() * centres.length)];
  return Float32Array.from(c, (x) => x + (rand() - 0.5) * 0.4);
}

async function fill(s: Store, agentIds: string[], n: number) {
  const items = Array.from({ length: n }, (_, i) => ({
    passage: passage(`p${i}`, {
      agentId: agentIds[i % agentIds.length],
      tags: [`t${i % 4}`],
      createdAt: at(i),
    }),
    embedding: vector(),
  }));
  await s.insertPassages(items);
  return items;
}

async function agents(s: Store, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = agent();
    await s.createAgent(a, [], []);
    ids.push(a.id);
  }
  return ids;
}

async function sameAsExact(s: Store, filters: PassageFilter[], queries = 12) {
  const exact = await store("exact");
  for (const f of filters) {
    for (let i = 0; i < queries; i++) {
      const q = vector();
      const want = await exact.searchPassagesVector(f, q, 10);
      expect(await s.searchPassagesVector(f, q, 10)).toEqual(want);
    }
  }
  await close(exact);
}

it("gives the exact scan's results on a small set, and writes its file beside the database", async () => {
  const s = await store();
  const [a] = await agents(s, 1);
  await fill(s, [a], 400);
  await sameAsExact(s, [{ agentId: a }, {}]);
  await close(s);
  expect(existsSync(`${path}.vectors-${DIM}.ivf`)).toBe(true);
});

it("honours agent, tag, date and source filters", async () => {
  const s = await store();
  const ids = await agents(s, 3);
  await fill(s, ids, 600);
  await sameAsExact(s, [
    { agentId: ids[0] },
    { agentId: ids[1], tags: ["t1"] },
    { agentId: ids[2], tags: ["t0", "t2"], tagMatch: "any" },
    { agentId: ids[0], start: at(100), end: at(300) },
    { sourceIds: ["source-none"] },
  ]);
});

it("never returns deleted passages, before or after a reopen", async () => {
  let s = await store();
  const [a] = await agents(s, 1);
  const items = await fill(s, [a], 300);
  const target = items[42];
  expect((await s.searchPassagesVector({ agentId: a }, target.embedding, 1))[0].id).toBe(target.passage.id);
  await s.deletePassages([target.passage.id]);
  const after = await s.searchPassagesVector({ agentId: a }, target.embedding, 10);
  expect(after.map((r) => r.id)).not.toContain(target.passage.id);
  await close(s);
  s = await store();
  const reopened = await s.searchPassagesVector({ agentId: a }, target.embedding, 10);
  expect(reopened.map((r) => r.id)).not.toContain(target.passage.id);
  await sameAsExact(s, [{ agentId: a }]);
});

it("finds rows another connection inserted, and rebuilds when its file is deleted", async () => {
  const s = await store();
  const [a] = await agents(s, 1);
  await fill(s, [a], 300);
  await s.searchPassagesVector({ agentId: a }, vector(), 5); // builds the index
  const other = await store();
  const [late] = await fill(other, [a], 1);
  expect((await s.searchPassagesVector({ agentId: a }, late.embedding, 1))[0].id).toBe(late.passage.id);
  await close(other);
  await close(s);
  rmSync(`${path}.vectors-${DIM}.ivf`);
  const again = await store();
  await sameAsExact(again, [{ agentId: a }]);
});

it("rebuilds from the database when its file is torn", async () => {
  const s = await store();
  const [a] = await agents(s, 1);
  await fill(s, [a], 300);
  await s.searchPassagesVector({ agentId: a }, vector(), 5);
  await close(s);
  const file = `${path}.vectors-${DIM}.ivf`;
  const whole = statSync(file).size;
  truncateSync(file, Math.floor(whole / 2));
  const again = await store();
  await sameAsExact(again, [{ agentId: a }]);
  await close(again);
  expect(statSync(file).size).toBe(whole);
});

// Background builds: a missing index never blocks a search. The first search answers by the exact scan
// while a worker thread builds the index; the built index is adopted and answers from then on.
async function backgroundStore(events: VectorIndexEvent[]): Promise<Store> {
  const s = await openSqliteStore(path, { vectorSearch: { minRows: 500, onIndex: (e) => events.push(e) } });
  open.push(s);
  return s;
}
async function until(done: () => boolean) {
  for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(done()).toBe(true);
}

it("answers the first search at once by the exact scan while the index builds on a worker", async () => {
  const events: VectorIndexEvent[] = [];
  const s = await backgroundStore(events);
  const [a] = await agents(s, 1);
  await fill(s, [a], 3_000);
  const exact = await store("exact");
  const q = vector();
  const want = await exact.searchPassagesVector({ agentId: a }, q, 10);
  expect(await s.searchPassagesVector({ agentId: a }, q, 10)).toEqual(want);
  // That search returned before any build finished: the worker's reply is a later event-loop task.
  expect(events).toEqual([]);
  await until(() => events.length > 0);
  expect(events[0]).toMatchObject({ dim: DIM, rows: 3_000, how: "built in background" });
  expect(existsSync(`${path}.vectors-${DIM}.ivf`)).toBe(true);
  // Rows written while the index was built, and after, are found (caught up from the build's mark).
  const [late] = await fill(s, [a], 1);
  expect((await s.searchPassagesVector({ agentId: a }, late.embedding, 1))[0].id).toBe(late.passage.id);
  await close(exact);
  await sameAsExact(s, [{ agentId: a }, { agentId: a, tags: ["t1"] }]);
  // Reopened, the file is loaded, not rebuilt.
  await close(s);
  const again: VectorIndexEvent[] = [];
  const s2 = await backgroundStore(again);
  await s2.searchPassagesVector({ agentId: a }, q, 10);
  expect(again.map((e) => e.how)).toEqual(["loaded"]);
});

it("leaves nothing torn when closed mid-build or killed mid-write, and builds again at the next open", async () => {
  const events: VectorIndexEvent[] = [];
  const s = await backgroundStore(events);
  const [a] = await agents(s, 1);
  await fill(s, [a], 3_000);
  await s.searchPassagesVector({ agentId: a }, vector(), 10); // starts the build
  await close(s); // gives the worker a moment, then ends it wherever it is
  expect(events).toEqual([]);
  expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  const file = `${path}.vectors-${DIM}.ivf`;
  // A writer killed between its write and its rename leaves its temp file; a dead pid's is removed.
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  writeFileSync(`${file}.${dead}-0.tmp`, "half an index");
  rmSync(file, { force: true }); // (the worker may have finished its rename before it was ended)
  const s2 = await backgroundStore(events);
  await sameAsExact(s2, [{ agentId: a }], 3); // the exact scan answers meanwhile
  await until(() => events.length > 0);
  expect(events[0].how).toBe("built in background");
  expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  await sameAsExact(s2, [{ agentId: a }]);
});

it("keeps answering with the stale index while its replacement builds", async () => {
  const events: VectorIndexEvent[] = [];
  const s = await backgroundStore(events);
  const [a] = await agents(s, 1);
  await fill(s, [a], 600);
  await s.searchPassagesVector({ agentId: a }, vector(), 10);
  await until(() => events.length === 1);
  await fill(s, [a], 2_000); // 2,600 rows > 4 × 600: stale
  await sameAsExact(s, [{ agentId: a }], 3); // the old index, caught up, meanwhile
  await until(() => events.length === 2);
  expect(events[1]).toMatchObject({ how: "built in background", rows: 2_600 });
  await sameAsExact(s, [{ agentId: a }]);
});
