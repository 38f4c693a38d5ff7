// `npm run bench -- ingest [--docs 300] [--passages 100000] [--queries 200]`: lexical-only ingest
// throughput (MB/s, passages/s) of generated documents through lmos.sources.ingest on SQLite, the
// parse+chunk share of it, and lmos.sources.search latency (p50/p99) over a source of 100k passages.
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLmos } from "../src/index.ts";
import { chunkText } from "../src/sources/index.ts";
import type { FileRecord, PassageRecord } from "../src/store/types.ts";
import { parseTaskArgs } from "./tasks/task-env.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A Zipf-ish vocabulary of pseudo-words, so BM25 sees realistic term statistics. */
function makeWords(rand: () => number): { zipf: () => string; uniform: () => string } {
  const syll = [
    "ka",
    "lo",
    "mi",
    "ren",
    "to",
    "sa",
    "vel",
    "dor",
    "pi",
    "an",
    "ex",
    "ul",
    "bri",
    "qua",
    "zen",
  ];
  const vocab = Array.from({ length: 8000 }, () => {
    const n = 1 + Math.floor(rand() * 3);
    return Array.from({ length: n }, () => syll[Math.floor(rand() * syll.length)]).join("");
  });
  return {
    zipf: () => vocab[Math.floor(vocab.length * rand() ** 3)],
    uniform: () => vocab[Math.floor(vocab.length * rand())],
  };
}

function makeDoc(word: () => string, rand: () => number, bytes: number): string {
  const out: string[] = [`# ${word()} ${word()} report`];
  let size = 0;
  while (size < bytes) {
    if (rand() < 0.03) out.push("", `## ${word()} ${word()}`, "");
    const line = `${Array.from({ length: 8 + Math.floor(rand() * 14) }, word).join(" ")}.`;
    out.push(line);
    size += line.length + 1;
  }
  return out.join("\n");
}

const pct = (xs: number[], p: number) =>
  xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

export default async function ingestBench(argv: string[]): Promise<void> {
  const { flags } = parseTaskArgs(argv);
  const docs = Number(flags.get("docs") ?? 300);
  const target = Number(flags.get("passages") ?? 100_000);
  const queries = Number(flags.get("queries") ?? 200);
  const rand = rng(42);
  const { zipf: word, uniform: uniformWord } = makeWords(rand);
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-ingest-"));
  try {
    const dir = join(home, "docs");
    mkdirSync(dir);
    let totalBytes = 0;
    const texts: string[] = [];
    for (let i = 0; i < docs; i++) {
      const text = makeDoc(word, rand, 4_000 + Math.floor(rand() * 60_000));
      texts.push(text);
      writeFileSync(join(dir, `doc-${String(i).padStart(4, "0")}.md`), text);
      totalBytes += Buffer.byteLength(text);
    }
    let t = performance.now();
    let chunks = 0;
    for (const text of texts) chunks += chunkText(text).length;
    const chunkSec = (performance.now() - t) / 1000;

    const lmos = await openLmos({ home, env: {} });
    await lmos.sources.create({ name: "bench", embedding: null });
    t = performance.now();
    const report = await lmos.sources.ingest("bench", [dir]);
    const ingestSec = (performance.now() - t) / 1000;
    if (report.failed > 0) throw new Error(`ingest failed: ${report.files.find((f) => f.error)?.error}`);
    const passages = report.files.reduce((n, f) => n + (f.file?.totalChunks ?? 0), 0);
    const mb = totalBytes / 1024 / 1024;

    // Fill a second source to `target` passages directly through the store (same rows ingest writes).
    const big = await lmos.sources.create({ name: "big", embedding: null });
    const perFile = 1000;
    t = performance.now();
    for (let f = 0; f * perFile < target; f++) {
      const now = new Date().toISOString();
      const file: FileRecord = {
        id: `file-${randomUUID()}`,
        sourceId: big.id,
        fileName: `big-${f}.txt`,
        fileType: "text/plain",
        fileSize: 0,
        contentHash: String(f),
        status: "completed",
        error: null,
        totalChunks: perFile,
        text: "",
        createdAt: now,
        updatedAt: now,
      };
      const rows = Array.from({ length: Math.min(perFile, target - f * perFile) }, (_, i) => {
        const passage: PassageRecord = {
          id: `passage-${randomUUID()}`,
          agentId: null,
          sourceId: big.id,
          fileId: file.id,
          text: Array.from({ length: 60 }, word).join(" "),
          tags: [],
          metadata: { file_name: file.fileName, start_line: i + 1, end_line: i + 1, heading: null },
          embeddingModel: null,
          createdAt: now,
        };
        return { passage };
      });
      await lmos.store.replaceFile(file, rows);
    }
    const fillSec = (performance.now() - t) / 1000;
    // Zipf-drawn query words are frequent (each matches a large share of passages: the slow case);
    // uniformly drawn words are mostly rare (the selective case).
    const timeQueries = async (pick: () => string) => {
      const latencies: number[] = [];
      for (let q = 0; q < queries; q++) {
        const query = `${pick()} ${pick()} ${pick()}`;
        const s = performance.now();
        await lmos.sources.search("big", query, { limit: 10 });
        latencies.push(performance.now() - s);
      }
      return latencies;
    };
    const latencies = await timeQueries(word);
    const rare = await timeQueries(uniformWord);
    await lmos.close();

    const result = {
      documents: docs,
      megabytes: Number(mb.toFixed(2)),
      passages,
      ingestSeconds: Number(ingestSec.toFixed(2)),
      ingestMBps: Number((mb / ingestSec).toFixed(2)),
      passagesPerSecond: Math.round(passages / ingestSec),
      chunkOnlyMBps: Number((mb / chunkSec).toFixed(1)),
      chunkOnlyPassages: chunks,
      searchPassages: target,
      storeFillPassagesPerSecond: Math.round(target / fillSec),
      searchQueries: queries,
      searchP50Ms: Number(pct(latencies, 0.5).toFixed(2)),
      searchP99Ms: Number(pct(latencies, 0.99).toFixed(2)),
      rareTermSearchP50Ms: Number(pct(rare, 0.5).toFixed(2)),
      rareTermSearchP99Ms: Number(pct(rare, 0.99).toFixed(2)),
      goalMBps: 2,
    };
    console.log("lexical-only ingest (sqlite, no embedder)");
    console.log("metric                     | value");
    console.log(`documents                  | ${docs} (${result.megabytes} MB, ${passages} passages)`);
    console.log(
      `ingest                     | ${result.ingestMBps} MB/s, ${result.passagesPerSecond} passages/s (goal ≥ 2 MB/s)`,
    );
    console.log(`parse+chunk only           | ${result.chunkOnlyMBps} MB/s`);
    console.log(
      `search @ ${target} passages  | frequent terms: p50 ${result.searchP50Ms} ms, p99 ${result.searchP99Ms} ms (${queries} queries)`,
    );
    console.log(
      `                           | rare terms: p50 ${result.rareTermSearchP50Ms} ms, p99 ${result.rareTermSearchP99Ms} ms`,
    );
    mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
    writeFileSync(new URL("./results/ingest.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
