// `npm run bench -- soak [--minutes 30] [--rate 20] [--agents 50] [--warmup-minutes M] [--heap-snapshots DIR]`
// (CI never runs it)
// Mixed traffic at a bounded rate against a server process for a long time: sends (plain and streamed,
// some long, to agents with a small window, so pressure warnings, evictions and summaries keep happening),
// reads, archival inserts and searches, uploads, compactions, over 50 agents. Three processes on the
// loopback: the scripted model, the server (real SQLite in a temp home; it prints its heap and RSS every
// 10 s), and this load generator. Prints heap and RSS after warm-up and at the end, the database file
// sizes, p99 latency per 5 minutes, and every error; the goal is RSS growth < 10% after warm-up and no
// error. Writes bench/results/soak.json. With --heap-snapshots, the server writes a heap snapshot (after a
// full GC) into DIR when the warm-up ends and again at the end: `npx tsx bench/heap-diff.ts A B` shows
// what grew between them.
import { Agent } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { serveLmosRole, startChild } from "./children.ts";
import { httpCall } from "./http.ts";

// Idle sockets are dropped after 4 s, before the server's 5 s keep-alive timeout closes them: reusing a socket the
// server is closing at that moment fails with ECONNRESET (a client-side race, not a server error).
const keepAlive = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

const call = (url: string, method: string, body?: unknown, raw?: { type: string; data: Buffer }) =>
  httpCall(keepAlive, url, method, body, raw, 120_000);

/** Role of this file as the server process: lmos serve's work, plus a memory line every 10 s. */
async function serveRole(): Promise<void> {
  await serveLmosRole();
  const report = () => {
    const m = process.memoryUsage();
    process.stdout.write(`memory ${JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed })}\n`);
  };
  report();
  setInterval(report, 10_000).unref();
  // --heap-snapshots: SIGUSR2 writes a snapshot after a full GC (the process runs with --expose-gc).
  const dir = process.env.LMOS_SOAK_SNAPSHOTS;
  let taken = 0;
  if (dir)
    process.on("SIGUSR2", () => {
      (globalThis as { gc?: () => void }).gc?.();
      report();
      const file = writeHeapSnapshot(join(dir, `soak-${++taken}.heapsnapshot`));
      process.stdout.write(`snapshot ${file}\n`);
    });
}

async function modelRole(): Promise<void> {
  const { startScriptedModel } = await import("../test/scripted-model.ts");
  const { echoReply } = await import("../test/scripted-model-server.ts");
  const model = await startScriptedModel({
    fallback: (req) => echoReply(req, "send_message"),
    keepRequests: 50,
  });
  process.stdout.write(`listening ${model.url}\n`);
  process.on("SIGTERM", () => void model.close().then(() => process.exit(0)));
}

const WORDS =
  "garden weather otter book river lamp code meeting Tuesday Lisbon piano invoice 4711 teal".split(" ");
function sentence(n: number, seed: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(WORDS[x % WORDS.length]);
  }
  return out.join(" ");
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** One of `items`, chosen with probability proportional to its weight. */
function weighted<T extends { weight: number }>(items: T[]): T {
  let r = Math.random() * items.reduce((sum, x) => sum + x.weight, 0);
  for (const x of items) {
    r -= x.weight;
    if (r < 0) return x;
  }
  return items[0];
}

export default async function soak(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: "string", default: "30" },
      rate: { type: "string", default: "20" },
      agents: { type: "string", default: "50" },
      "warmup-minutes": { type: "string" },
      "heap-snapshots": { type: "string" },
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const agentCount = Number(values.agents);
  const warmupMs = Number(values["warmup-minutes"] ?? Math.min(5, minutes / 6)) * 60_000;
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-soak-"));
  const db = join(home, "lmos.db");
  const model = await startChild(["--import", "tsx", "bench/soak.bench.ts"], { LMOS_BENCH_ROLE: "model" });
  const snapshots = values["heap-snapshots"] ? join(process.cwd(), values["heap-snapshots"]) : "";
  if (snapshots) mkdirSync(snapshots, { recursive: true });
  const server = await startChild(["--expose-gc", "--import", "tsx", "bench/soak.bench.ts"], {
    LMOS_BENCH_ROLE: "server",
    LMOS_SOAK_SNAPSHOTS: snapshots,
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "bench",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
    LMOS_API_KEY: "",
  });
  const memory: Array<{ t: number; rss: number; heapUsed: number }> = [];
  const written: string[] = [];
  server.child.stdout?.on("data", (d: Buffer) => {
    for (const line of d.toString().split("\n")) {
      if (line.startsWith("memory ")) memory.push(JSON.parse(line.slice(7)));
      if (line.startsWith("snapshot ")) written.push(line.slice(9));
    }
  });
  const snapshot = async () => {
    if (!snapshots) return;
    const before = written.length;
    server.child.kill("SIGUSR2");
    while (written.length === before) await new Promise((r) => setTimeout(r, 200));
    console.log(`heap snapshot ${written.at(-1)}`);
  };
  const url = server.url;
  const errors: string[] = [];
  const latencies: Array<{ t: number; kind: string; ms: number }> = [];
  try {
    const agents: string[] = [];
    for (let i = 0; i < agentCount; i++) {
      // A small window: pressure, eviction and summaries every few turns.
      const r = await call(`${url}/v1/agents/`, "POST", { name: `soak-${i}`, context_window_limit: 3000 });
      agents.push(JSON.parse(r.text).id);
    }
    const folder = JSON.parse((await call(`${url}/v1/folders/`, "POST", { name: "soak" })).text).id;
    await call(`${url}/v1/agents/${agents[0]}/folders/attach/${folder}`, "PATCH");

    let n = 0;
    const pick = () => agents[Math.floor(Math.random() * agents.length)];
    type Kind = [number, string, () => Promise<{ status: number; text: string }>];
    const table: Kind[] = [
      [
        50,
        "send",
        () => call(`${url}/v1/agents/${pick()}/messages`, "POST", { input: sentence(5 + (n % 300), n) }),
      ],
      [
        10,
        "stream",
        () =>
          call(`${url}/v1/agents/${pick()}/messages/stream`, "POST", {
            input: sentence(20, n),
            stream_tokens: true,
          }),
      ],
      [10, "read", () => call(`${url}/v1/agents/${pick()}/messages?limit=50`, "GET")],
      [5, "context", () => call(`${url}/v1/agents/${pick()}/context`, "GET")],
      [
        8,
        "archival-insert",
        () => call(`${url}/v1/agents/${pick()}/archival-memory`, "POST", { text: sentence(30, n) }),
      ],
      [
        8,
        "archival-search",
        () =>
          call(`${url}/v1/agents/${pick()}/archival-memory/search?query=${WORDS[n % WORDS.length]}`, "GET"),
      ],
      [4, "compact", () => call(`${url}/v1/agents/${pick()}/summarize`, "POST", {})],
      [
        5,
        "upload",
        () => {
          const boundary = "soakboundary";
          const data = Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="note-${n % 200}.txt"\r\n\r\n${sentence(400, n)}\r\n--${boundary}--\r\n`,
          );
          return call(`${url}/v1/folders/${folder}/upload`, "POST", undefined, {
            type: `multipart/form-data; boundary=${boundary}`,
            data,
          });
        },
      ],
    ];
    const kinds = table.map(([weight, name, run]) => ({ weight, name, run }));
    const start = Date.now();
    const end = start + minutes * 60_000;
    const inFlight = new Set<Promise<void>>();
    const fire = () => {
      const kind = weighted(kinds);
      n++;
      const t0 = performance.now();
      const p = kind
        .run()
        .then((res) => {
          latencies.push({ t: Date.now() - start, kind: kind.name, ms: performance.now() - t0 });
          // 409: the agent is busy with another send (one run per agent) — expected under random load.
          if (res.status >= 400 && res.status !== 409)
            errors.push(`${kind.name} ${res.status} ${res.text.slice(0, 200)}`);
        })
        .catch((e: Error) => void errors.push(`${kind.name} ${e.message}`))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    let lastReport = start;
    let warm = false;
    for (let next = Date.now(); Date.now() < end; next += 1000 / rate) {
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!warm && Date.now() - start >= warmupMs) {
        warm = true;
        await snapshot();
      }
      if (inFlight.size < 32) fire(); // bounded: a slow server sheds load instead of queueing it without end
      if (Date.now() - lastReport > 60_000) {
        lastReport = Date.now();
        const m = memory.at(-1);
        console.log(
          `${Math.round((Date.now() - start) / 60_000)} min: ${latencies.length} answers, ${errors.length} errors, rss ${m ? Math.round(m.rss / 2 ** 20) : "?"} MiB, db ${Math.round(fileSize(db) / 2 ** 20)} MiB`,
        );
      }
    }
    await Promise.all(inFlight);
    await snapshot();
  } finally {
    server.child.kill("SIGTERM");
    model.child.kill("SIGTERM");
    await new Promise((r) => server.child.once("exit", r));
  }

  const t0 = memory[0]?.t ?? 0;
  const afterWarmup = memory.find((m) => m.t - t0 >= warmupMs) ?? memory[0];
  const last = memory.at(-1) ?? afterWarmup;
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  const windows: Array<Record<string, number>> = [];
  for (let w = 0; w * 300_000 < minutes * 60_000; w++) {
    const xs = latencies.filter((l) => l.t >= w * 300_000 && l.t < (w + 1) * 300_000).map((l) => l.ms);
    windows.push({
      from_min: w * 5,
      answers: xs.length,
      p50_ms: Math.round(percentile(xs, 50)),
      p99_ms: Math.round(percentile(xs, 99)),
    });
  }
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    load_at_end: loadavg().map((l) => Math.round(l * 10) / 10),
    minutes,
    rate_per_s: rate,
    agents: agentCount,
    answers: latencies.length,
    errors: errors.length,
    first_errors: errors.slice(0, 10),
    memory_mib: {
      start: { rss: mib(memory[0]?.rss ?? 0), heap: mib(memory[0]?.heapUsed ?? 0) },
      after_warmup: { rss: mib(afterWarmup?.rss ?? 0), heap: mib(afterWarmup?.heapUsed ?? 0) },
      end: { rss: mib(last?.rss ?? 0), heap: mib(last?.heapUsed ?? 0) },
    },
    rss_growth_after_warmup_pct: afterWarmup
      ? Math.round(((last.rss - afterWarmup.rss) / afterWarmup.rss) * 1000) / 10
      : null,
    files_mib: { db: mib(fileSize(db)), wal: mib(fileSize(`${db}-wal`)) },
    p99_per_5_min: windows,
    by_kind: Object.fromEntries(
      [...new Set(latencies.map((l) => l.kind))].map((k) => {
        const xs = latencies.filter((l) => l.kind === k).map((l) => l.ms);
        return [
          k,
          {
            answers: xs.length,
            p50_ms: Math.round(percentile(xs, 50)),
            p99_ms: Math.round(percentile(xs, 99)),
          },
        ];
      }),
    ),
  };
  rmSync(home, { recursive: true, force: true });
  console.log(JSON.stringify({ ...result, p99_per_5_min: undefined, by_kind: undefined }, null, 2));
  console.table(windows);
  console.table(result.by_kind);
  const ok = errors.length === 0 && (result.rss_growth_after_warmup_pct ?? 100) < 10;
  console.log(`goal (RSS growth < 10% after warm-up, no error): ${ok ? "met" : "NOT met"}`);
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(join(import.meta.dirname, "results/soak.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/soak.json");
}

if (process.env.LMOS_BENCH_ROLE === "server") await serveRole();
else if (process.env.LMOS_BENCH_ROLE === "model") await modelRole();
