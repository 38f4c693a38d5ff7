// `npm run bench -- search [--sizes 10000,100000,1000000] [--queries 100] [--uniform-sizes 10000,100000]
// [--probe-factors 0.5,1,2] [--no-lexical]`: archival search at scale through the SQLite store as lmos opens it. One agent
// holds N passages (Zipf text, 20 tags, dates over two years, 384-d unit vectors: clustered, and uniform at
// the --uniform-sizes). Per size: vector search by the exact scan and by the IVF index (default probes, and
// with a 5% tag filter), recall@10 of the index against the exact scan, the first search while the index
// builds in the background, the build and load times, lexical archival search (memory's searchArchival,
// lexical only), and the latency/recall trade-off over --probe-factors (lists scanned = factor × √lists).
// Each figure is p50/p99 wall time with the p50 of CPU time and of run-queue wait (the main thread's time
// ready but not running, from /proc/thread-self/schedstat) beside it: on a shared VM the gap between wall
// and CPU is mostly that wait. Databases are cached under $TMPDIR/lmos-bench-search/ between runs; writes
// bench/results/search.json.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { searchArchival } from "../src/memory/index.ts";
import {
  newAgentRecord,
  newId,
  openSqliteStore,
  type RankedId,
  type Store,
  type VectorIndexEvent,
} from "../src/store/index.ts";
import { textSource, vectorSource } from "./search-data.ts";

type Kind = "clustered" | "uniform";
const DIM = 384;
const AGENT_ID = "agent-bench-search";
const BATCH = 5_000;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  const median = (ys: number[] | undefined) => {
    const y = [...(ys ?? [])].sort((a, b) => a - b);
    return y.length ? Number(y[Math.floor(0.5 * (y.length - 1))].toFixed(2)) : null;
  };
  const cpuP50 = median(cpuTimes.get(xs));
  const waitP50 = median(waitTimes.get(xs));
  return { p50: Number(at(0.5).toFixed(2)), p99: Number(at(0.99).toFixed(2)), cpuP50, waitP50, n: s.length };
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

// CPU time and run-queue wait beside wall time: on the shared VM a query's wall time is mostly waiting for
// a core. CPU time is the process's (getrusage: exact; while queries are timed no other thread of it is
// busy, except during the first search, when the background build runs); the wait is the main thread's
// time ready to run but waiting for a core, in ns in the second field of /proc/thread-self/schedstat
// (exact; its first field, time on a CPU, only moves at scheduler ticks, so it is not used). 0 off Linux.
const cpuTimes = new WeakMap<number[], number[]>();
const waitTimes = new WeakMap<number[], number[]>();
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[1]) / 1e6;
  } catch {
    return 0;
  }
}
async function timed<T>(times: number[], fn: () => Promise<T>): Promise<T> {
  const w = runQueueWaitMs();
  const c = process.cpuUsage();
  const t = performance.now();
  const r = await fn();
  times.push(performance.now() - t);
  const used = process.cpuUsage(c);
  const wait = runQueueWaitMs() - w;
  const push = (m: WeakMap<number[], number[]>, v: number) => m.set(times, [...(m.get(times) ?? []), v]);
  push(cpuTimes, (used.user + used.system) / 1000);
  push(waitTimes, wait);
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

async function measure(kind: Kind, n: number, queries: number, probeFactors: number[], lexical: boolean) {
  const path = await database(kind, n);
  const vq = vectorSource(11, kind, n, DIM);
  const vectors = Array.from({ length: queries }, () => vq.query());
  const exactCount = Math.min(queries, n >= 1_000_000 ? 20 : n >= 100_000 ? 30 : 100);
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

  // The index: file removed, so the first search finds it missing and starts the background build; that
  // search (and any until the build is done) is answered by the exact scan. Then loaded from its file.
  for (const f of [`${path}.vectors-${DIM}.ivf`]) rmSync(f, { force: true });
  const events: VectorIndexEvent[] = [];
  const onIndex = (e: VectorIndexEvent) => events.push(e);
  let store: Store = await openSqliteStore(path, { backgroundCheckpoint: true, vectorSearch: { onIndex } });
  const first: number[] = [];
  const firstHits = await timed(first, () => store.searchPassagesVector(filter, vectors[0], 10));
  out.firstSearchWhileBuilding = { ...stats(first), sameAsExact: sameIds(firstHits, truth[0]) };
  while (!events.some((e) => e.how !== "loaded")) await new Promise((r) => setTimeout(r, 200));
  out.indexBuildS = Number((events[events.length - 1].ms / 1000).toFixed(1));
  await store.close();
  const open = (probeFactor?: number) =>
    openSqliteStore(path, { backgroundCheckpoint: true, vectorSearch: { probeFactor } });
  store = await open();
  const load: number[] = [];
  await timed(load, () => store.searchPassagesVector(filter, vectors[0], 10));
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
    if (kind === "clustered" && lexical) {
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
  // The trade-off: recall@10 and latency as the lists scanned per query change (same index file).
  const tradeOff: Array<Record<string, unknown>> = [];
  for (const factor of probeFactors) {
    const s = await open(factor);
    try {
      await s.searchPassagesVector(filter, vectors[0], 10); // loads the file
      const times: number[] = [];
      const got: RankedId[][] = [];
      for (const v of vectors) got.push(await timed(times, () => s.searchPassagesVector(filter, v, 10)));
      tradeOff.push({
        probeFactor: factor,
        ...stats(times),
        recallAt10: recall(truth, got.slice(0, truth.length)),
      });
    } finally {
      await s.close();
    }
  }
  out.tradeOff = tradeOff;
  return out;
}

function sameIds(a: RankedId[], b: RankedId[] | undefined): boolean {
  return !!b && a.length === b.length && a.every((r, i) => r.id === b[i].id);
}

export default async function searchBench(args: string[]): Promise<void> {
  const sizes = numbers(args, "--sizes", [10_000, 100_000, 1_000_000]);
  const uniformSizes = numbers(args, "--uniform-sizes", [10_000, 100_000]);
  const queries = numbers(args, "--queries", [100])[0];
  const probeFactors = numbers(args, "--probe-factors", [0.5, 1, 2]);
  const rows: Array<Record<string, unknown>> = [];
  for (const n of sizes) {
    for (const kind of ["clustered", "uniform"] as Kind[]) {
      if (kind === "uniform" && !uniformSizes.includes(n)) continue;
      console.log(`measuring ${kind} vectors, ${n.toLocaleString()} passages…`);
      rows.push(await measure(kind, n, queries, probeFactors, !args.includes("--no-lexical")));
    }
  }
  const ms = (s: unknown) => {
    const x = s as { p50: number; p99: number; cpuP50: number; waitP50: number } | undefined;
    return x ? `${x.p50} / ${x.p99} (${x.cpuP50}; ${x.waitP50})` : "–";
  };
  const line = (cells: unknown[]) => console.log(`| ${cells.join(" | ")} |`);
  console.log(
    `\narchival search, ms: p50 / p99 wall (p50 CPU of the process; p50 run-queue wait of the main thread), ${queries} queries, recall@10 of the index vs the exact scan\n`,
  );
  line(
    ["vectors", "passages", "exact scan", "IVF index", "recall@10", "IVF + 5% tag", "recall@10"].concat([
      "1st search while building",
      "build s",
      "load s",
      "lexical",
    ]),
  );
  line(Array.from({ length: 11 }, () => "---"));
  for (const r of rows) {
    const idx = r.index as { recallAt10: number };
    const tag = r.indexTagFilter as { recallAt10: number };
    line(
      [
        r.kind,
        Number(r.passages).toLocaleString(),
        ms(r.exact),
        ms(r.index),
        idx.recallAt10,
        ms(r.indexTagFilter),
      ].concat([tag.recallAt10, ms(r.firstSearchWhileBuilding), r.indexBuildS, r.indexLoadS, ms(r.lexical)]),
    );
  }
  console.log("\nthe trade-off: lists scanned per query = factor × √lists (default factor 1)\n");
  line(["vectors", "passages", "probe factor", "IVF index", "recall@10"]);
  line(Array.from({ length: 5 }, () => "---"));
  for (const r of rows) {
    for (const t of r.tradeOff as Array<{ probeFactor: number; recallAt10: number }>)
      line([r.kind, Number(r.passages).toLocaleString(), t.probeFactor, ms(t), t.recallAt10]);
  }
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`\n${new Date().toISOString()}, commit ${commit}, load average at the end ${load}`);
  mkdirSync(new URL("results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("results/search.json", import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), commit, loadAverageAtEnd: load, queries, dim: DIM, unit: "ms", rows }, null, 2)}\n`,
  );
}
