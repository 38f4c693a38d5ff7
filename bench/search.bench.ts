// `npm run bench -- search [--sizes 10000,100000,1000000] [--queries 100] [--uniform-sizes 10000,100000]`:
// archival search at scale through the SQLite store as lmos opens it. One agent holds N passages (Zipf text,
// 20 tags, dates over two years, 384-d unit vectors: clustered, and uniform at the --uniform-sizes). Per
// size: vector search p50/p99 by the exact scan and by the IVF index (and with a 5% tag filter), recall@10
// of the index against the exact scan, the index's build and load times, and lexical archival search
// (memory's searchArchival, lexical only) p50/p99. Databases are cached under $TMPDIR/lmos-bench-search/
// between runs; writes bench/results/search.json.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { searchArchival } from "../src/memory/index.ts";
import { newAgentRecord, newId, openSqliteStore, type RankedId, type Store } from "../src/store/index.ts";
import { textSource, vectorSource } from "./search-data.ts";

type Kind = "clustered" | "uniform";
const DIM = 384;
const AGENT_ID = "agent-bench-search";
const BATCH = 5_000;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  const cpu = [...(cpuTimes.get(xs) ?? [])].sort((a, b) => a - b);
  const cpuP50 = cpu.length ? Number(cpu[Math.floor(0.5 * (cpu.length - 1))].toFixed(2)) : null;
  return { p50: Number(at(0.5).toFixed(2)), p99: Number(at(0.99).toFixed(2)), cpuP50, n: s.length };
}

function numbers(args: string[], flag: string, fallback: number[]): number[] {
  const i = args.indexOf(flag);
  if (i < 0) return fallback;
  return (args[i + 1] ?? "")
    .split(",")
    .map(Number)
    .filter((n) => n > 0);
}

/** The cached database of N passages of this kind (built once: batched inserts, one transaction each). */
export async function database(kind: Kind, n: number): Promise<string> {
  const dir = join(tmpdir(), "lmos-bench-search");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${kind}-${n}-v1.db`);
  if (existsSync(`${path}.complete`)) return path;
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const t0 = performance.now();
  const store = await openSqliteStore(path, { vectorSearch: { mode: "exact" } });
  try {
    const at = new Date("2025-01-01T00:00:00Z").toISOString();
    await store.createAgent(
      newAgentRecord({ id: AGENT_ID, name: "bench", system: "bench", model: "bench/stub", createdAt: at }),
      [],
      [],
    );
    const text = textSource(7);
    const vectors = vectorSource(11, kind, n, DIM);
    const t = Date.parse("2024-01-01T00:00:00Z");
    for (let i = 0; i < n; i += BATCH) {
      const items = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => ({
        passage: {
          id: newId("passage"),
          agentId: AGENT_ID,
          sourceId: null,
          fileId: null,
          text: text.passage(),
          tags: [`t${(i + j) % 20}`],
          metadata: {},
          embeddingModel: "bench/random-384",
          createdAt: new Date(t + Math.floor(((i + j) / n) * 730 * 86_400_000)).toISOString(),
        },
        embedding: vectors.row(),
      }));
      await store.insertPassages(items);
    }
  } finally {
    await store.close();
  }
  writeFileSync(`${path}.complete`, `${n}\n`);
  console.log(
    `  built ${kind} ${n.toLocaleString()} passages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return path;
}

// CPU time beside wall time: on the shared VM a query's wall time is mostly waiting for a core.
const cpuTimes = new WeakMap<number[], number[]>();
async function timed<T>(times: number[], fn: () => Promise<T>): Promise<T> {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await fn();
  times.push(performance.now() - t);
  const used = process.cpuUsage(c);
  const cpu = cpuTimes.get(times) ?? [];
  cpu.push((used.user + used.system) / 1000);
  cpuTimes.set(times, cpu);
  return r;
}

function recall(truth: RankedId[][], got: RankedId[][]): number {
  let hit = 0;
  let all = 0;
  for (let i = 0; i < truth.length; i++) {
    const want = new Set(truth[i].map((r) => r.id));
    all += want.size;
    hit += got[i].filter((r) => want.has(r.id)).length;
  }
  return all ? Number((hit / all).toFixed(3)) : 1;
}

async function measure(kind: Kind, n: number, queries: number) {
  const path = await database(kind, n);
  const vq = vectorSource(11, kind, n, DIM);
  const vectors = Array.from({ length: queries }, () => vq.query());
  const exactCount = Math.min(queries, n >= 1_000_000 ? 10 : n >= 100_000 ? 30 : 100);
  const filter = { agentId: AGENT_ID };
  const tagged = { agentId: AGENT_ID, tags: ["t3"] };
  const out: Record<string, unknown> = { kind, passages: n };

  const exact = await openSqliteStore(path, { vectorSearch: { mode: "exact" } });
  const truth: RankedId[][] = [];
  const truthTagged: RankedId[][] = [];
  const exactTimes: number[] = [];
  try {
    for (let i = 0; i < exactCount; i++) {
      truth.push(await timed(exactTimes, () => exact.searchPassagesVector(filter, vectors[i], 10)));
      if (i < Math.min(exactCount, 10))
        truthTagged.push(await exact.searchPassagesVector(tagged, vectors[i], 10));
    }
  } finally {
    await exact.close();
  }
  out.exact = stats(exactTimes);

  // The index: built from the database at the first search (file removed first), then loaded from its file.
  for (const f of [`${path}.vectors-${DIM}.ivf`]) rmSync(f, { force: true });
  let store: Store = await openSqliteStore(path, { backgroundCheckpoint: true });
  const build: number[] = [];
  await timed(build, () => store.searchPassagesVector(filter, vectors[0], 10));
  await store.close();
  store = await openSqliteStore(path, { backgroundCheckpoint: true });
  const load: number[] = [];
  await timed(load, () => store.searchPassagesVector(filter, vectors[0], 10));
  out.indexBuildS = Number((build[0] / 1000).toFixed(1));
  out.indexLoadS = Number((load[0] / 1000).toFixed(2));
  try {
    const annTimes: number[] = [];
    const got: RankedId[][] = [];
    for (const v of vectors) got.push(await timed(annTimes, () => store.searchPassagesVector(filter, v, 10)));
    out.index = { ...stats(annTimes), recallAt10: recall(truth, got.slice(0, truth.length)) };
    const tagTimes: number[] = [];
    const gotTagged: RankedId[][] = [];
    for (const v of vectors)
      gotTagged.push(await timed(tagTimes, () => store.searchPassagesVector(tagged, v, 10)));
    out.indexTagFilter = {
      ...stats(tagTimes),
      recallAt10: recall(truthTagged, gotTagged.slice(0, truthTagged.length)),
    };
    if (kind === "clustered") {
      const text = textSource(99);
      const lexTimes: number[] = [];
      for (let i = 0; i < 5; i++)
        await searchArchival(store, null, { agentId: AGENT_ID, query: text.query(), limit: 10 });
      for (let i = 0; i < queries; i++) {
        const query = text.query();
        await timed(lexTimes, () => searchArchival(store, null, { agentId: AGENT_ID, query, limit: 10 }));
      }
      out.lexical = stats(lexTimes);
    }
  } finally {
    await store.close();
  }
  return out;
}

export default async function searchBench(args: string[]): Promise<void> {
  const sizes = numbers(args, "--sizes", [10_000, 100_000, 1_000_000]);
  const uniformSizes = numbers(args, "--uniform-sizes", [10_000, 100_000]);
  const queries = numbers(args, "--queries", [100])[0];
  const rows: Array<Record<string, unknown>> = [];
  for (const n of sizes) {
    for (const kind of ["clustered", "uniform"] as Kind[]) {
      if (kind === "uniform" && !uniformSizes.includes(n)) continue;
      console.log(`measuring ${kind} vectors, ${n.toLocaleString()} passages…`);
      rows.push(await measure(kind, n, queries));
    }
  }
  const ms = (s: unknown) => {
    const x = s as { p50: number; p99: number; cpuP50: number } | undefined;
    return x ? `${x.p50} / ${x.p99} (${x.cpuP50})` : "–";
  };
  console.log(
    `\narchival search, ms (p50 / p99 wall, p50 CPU in brackets), ${queries} queries, recall@10 of the index vs the exact scan\n` +
      `${"vectors".padEnd(10)}${"passages".padStart(10)}${"exact scan".padStart(26)}${"IVF index".padStart(26)}` +
      `${"recall".padStart(8)}${"IVF + tag".padStart(26)}${"recall".padStart(8)}${"build s".padStart(9)}` +
      `${"load s".padStart(8)}${"lexical".padStart(24)}`,
  );
  for (const r of rows) {
    const idx = r.index as { recallAt10: number };
    const tag = r.indexTagFilter as { recallAt10: number };
    console.log(
      `${String(r.kind).padEnd(10)}${Number(r.passages).toLocaleString().padStart(10)}${ms(r.exact).padStart(26)}` +
        `${ms(r.index).padStart(26)}${String(idx.recallAt10).padStart(8)}${ms(r.indexTagFilter).padStart(26)}` +
        `${String(tag.recallAt10).padStart(8)}${String(r.indexBuildS).padStart(9)}${String(r.indexLoadS).padStart(8)}` +
        `${ms(r.lexical).padStart(24)}`,
    );
  }
  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("results/search.json", import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), queries, dim: DIM, unit: "ms", rows }, null, 2)}\n`,
  );
}
