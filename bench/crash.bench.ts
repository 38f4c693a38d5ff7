// `npm run bench -- crash [--kills 100] [--workers 12] [--store sqlite|postgres] [--database-url URL]`: the
// crash campaign. `lmos serve` (the real CLI, on a SQLite home, or on a fresh schema of a PostgreSQL
// database — default postgres://postgres@127.0.0.1:5432/test or $LMOS_BENCH_DATABASE_URL —, dropped after)
// runs busy work — sends, token streams, uploads, summaries, tool calls that edit core memory and insert
// archival passages, custom Python and JavaScript tools running in the sandbox pool — and is SIGKILLed at a
// random point (two rounds in three while it starts; every third once a few tool results are acknowledged,
// with more tools in flight), restarted, and the database checked, `--kills` times. Checks after every
// restart: every acknowledged write is there (the input and the returned messages of an answered send or a
// finished stream, an uploaded file, an archival insert, a tool result with its step), no half-applied
// step (every window points at stored messages of its agent, every message of a step has its step row,
// every step its run, no block edit without the committed step that made it), every run ended or failed,
// and the store's own check (`PRAGMA integrity_check`; on PostgreSQL no constraint left unvalidated). Prints
// the counts; exits 1 on any violation. Writes bench/results/crash.json (crash-postgres.json).
//
// Adding a kind of work: a Workload (what to send, what it acknowledged, how to check that). Adding a
// store: a Target (start, kill, check, remove); the workloads and invariants (crash-store.ts) stay.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { gitCommit, startChild } from "./children.ts";
import { looked, openPostgresSql, openSqliteSql, type Sql, storeViolations } from "./crash-store.ts";
import { type Answer, httpCall } from "./http.ts";

const root = new URL("..", import.meta.url).pathname;
const keepAlive = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

const call = (url: string, method: string, body?: unknown, raw?: { type: string; data: Buffer }) =>
  httpCall(keepAlive, url, method, body, raw);

// ---- the scripted model, as a child process: tool calls on cue, a small random latency ----

async function modelRole(): Promise<void> {
  const { startScriptedModel } = await import("../test/scripted-model.ts");
  const model = await startScriptedModel({
    keepRequests: 20,
    fallback: (req) => {
      const delayMs = 2 + Math.floor(Math.random() * 30);
      const last = req.messages.at(-1);
      // The cue is in this turn's user message, which need not be the last one: a memory-pressure alert
      // (a user-role system message) may follow it.
      const turn = req.messages.slice(req.messages.findLastIndex((m) => m.role === "assistant") + 1);
      const cue = turn
        .filter((m) => m.role === "user")
        .map((m) => /\[(edit|note|py|js) (\d+)\]/.exec(m.content))
        .findLast((c) => c !== null);
      if (!req.toolNames.includes("send_message"))
        return { content: `summary of ${req.messages.length} messages`, delayMs };
      if (last?.role === "tool" || !cue)
        return {
          toolCalls: [
            { name: "send_message", arguments: { message: `ok: ${req.lastUserText.slice(0, 80)}` } },
          ],
          delayMs,
        };
      const token = `CRASHTOKEN-${cue[2]}`;
      if (cue[1] === "py" || cue[1] === "js")
        return {
          toolCalls: [{ name: `crash_${cue[1]}`, arguments: { n: Number(cue[2]), request_heartbeat: true } }],
          delayMs,
        };
      return cue[1] === "edit"
        ? {
            toolCalls: [
              {
                name: "core_memory_append",
                arguments: { label: "human", content: token, request_heartbeat: true },
              },
            ],
            delayMs,
          }
        : {
            toolCalls: [
              { name: "archival_memory_insert", arguments: { content: token, request_heartbeat: true } },
            ],
            delayMs,
          };
    },
  });
  process.stdout.write(`listening ${model.url}\n`);
  process.on("SIGTERM", () => void model.close().then(() => process.exit(0)));
}

// ---- what is sent, and what an answer acknowledges ----

/** What the server acknowledged; checked against the database after every restart. */
interface Ack {
  kind: string;
  /** Why the database breaks the acknowledgement, or null when it holds. */
  check(sql: Sql): Promise<string | null>;
}

interface WorkContext {
  url: string;
  agents: string[];
  folder: string;
  n: number;
}

interface Workload {
  name: string;
  weight: number;
  run(ctx: WorkContext): Promise<Ack | null>;
}

function messagesAck(kind: string, agentId: string, input: string, ids: string[]): Ack {
  return {
    kind,
    async check(sql) {
      const hasInput = await sql.get(
        "SELECT 1 AS found FROM messages WHERE agent_id = ? AND role = 'user' AND content LIKE ?",
        agentId,
        `%${input.replace(/[%_]/g, "")}%`,
      );
      if (!hasInput) return `${kind}: the input "${input}" of an answered send is gone`;
      for (const id of ids)
        if (!(await sql.get("SELECT 1 AS found FROM messages WHERE id = ?", id)))
          return `${kind}: message ${id} is gone`;
      return null;
    },
  };
}

// Custom tools that do some work in the sandbox (so kills land while they run) and return a token the
// check looks for in the stored tool result.
const PYTHON_TOOL = `def crash_py(n: int) -> str:
    """Counts for a while and returns a token.

    Args:
        n: the number of the send
    """
    total = 0
    for i in range(200000):
        total += i % 7
    return f"PYTOOL-{n}-{total}"
`;

const JS_TOOL = `export function crash_js(n) {
  let total = 0;
  for (let i = 0; i < 2000000; i++) total += i % 7;
  return "JSTOOL-" + n + "-" + total;
}`;

const JS_SCHEMA = {
  name: "crash_js",
  description: "Counts for a while and returns a token.",
  parameters: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
};

/** An answered send whose model called a sandboxed tool: its result is stored with its step. */
function toolAck(kind: string, agentId: string, input: string, ids: string[], marker: string): Ack {
  const messages = messagesAck(kind, agentId, input, ids);
  return {
    kind,
    async check(sql) {
      const lost = await messages.check(sql);
      if (lost) return lost;
      const result = await sql.get(
        "SELECT 1 AS found FROM messages m JOIN steps s ON s.id = m.step_id WHERE m.agent_id = ? AND m.role = 'tool' AND m.content LIKE ?",
        agentId,
        `%${marker}%`,
      );
      return result ? null : `${kind}: the result ${marker} of an answered tool call is gone`;
    },
  };
}

const pick = (xs: string[]) => xs[Math.floor(Math.random() * xs.length)];
const cueOf = (n: number) => (n % 5 === 0 ? ` [edit ${n}]` : n % 5 === 1 ? ` [note ${n}]` : "");
const filler = (n: number) => "the otter read a book about the river and the lamp ".repeat(1 + (n % 12));

const WORKLOADS: Workload[] = [
  {
    name: "send",
    weight: 45,
    async run({ url, agents, n }) {
      const agent = pick(agents);
      const input = `send ${n}${cueOf(n)} ${filler(n)}`;
      const r = await call(`${url}/v1/agents/${agent}/messages`, "POST", { input });
      if (r.status !== 200) return null;
      const ids = (JSON.parse(r.text).messages as Array<{ id: string }>).map((m) => m.id);
      return messagesAck("send", agent, `send ${n}${cueOf(n)}`, ids);
    },
  },
  {
    name: "stream",
    weight: 20,
    async run({ url, agents, n }) {
      const agent = pick(agents);
      const input = `stream ${n}${cueOf(n)} ${filler(n)}`;
      const r = await call(`${url}/v1/agents/${agent}/messages/stream`, "POST", {
        input,
        stream_tokens: true,
      });
      // Acknowledged only when the stream finished: stop reason, usage, [DONE].
      if (r.status !== 200 || !r.text.includes("data: [DONE]") || !r.text.includes('"end_turn"')) return null;
      const ids = new Set<string>();
      for (const line of r.text.split("\n")) {
        if (!line.startsWith("data: {")) continue;
        const frame = JSON.parse(line.slice(6)) as { id?: string; message_type?: string };
        if (frame.id && frame.message_type?.endsWith("_message")) ids.add(frame.id);
      }
      return messagesAck("stream", agent, `stream ${n}${cueOf(n)}`, [...ids]);
    },
  },
  {
    name: "python tool",
    weight: 8,
    async run({ url, agents, n }) {
      const agent = pick(agents);
      const input = `tool ${n} [py ${n}]`;
      const r = await call(`${url}/v1/agents/${agent}/messages`, "POST", { input });
      if (r.status !== 200 || !r.text.includes(`PYTOOL-${n}-`)) return null;
      const ids = (JSON.parse(r.text).messages as Array<{ id: string }>).map((m) => m.id);
      return toolAck("python tool", agent, input, ids, `PYTOOL-${n}-`);
    },
  },
  {
    name: "js tool",
    weight: 8,
    async run({ url, agents, n }) {
      const agent = pick(agents);
      const input = `tool ${n} [js ${n}]`;
      const r = await call(`${url}/v1/agents/${agent}/messages`, "POST", { input });
      if (r.status !== 200 || !r.text.includes(`JSTOOL-${n}-`)) return null;
      const ids = (JSON.parse(r.text).messages as Array<{ id: string }>).map((m) => m.id);
      return toolAck("js tool", agent, input, ids, `JSTOOL-${n}-`);
    },
  },
  {
    name: "upload",
    weight: 10,
    async run({ url, folder, n }) {
      const name = `crash-${n}.txt`;
      const boundary = "crashboundary";
      const data = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\nline ${n}\n${filler(n).repeat(20)}\r\n--${boundary}--\r\n`,
      );
      const r = await call(`${url}/v1/folders/${folder}/upload`, "POST", undefined, {
        type: `multipart/form-data; boundary=${boundary}`,
        data,
      });
      if (r.status !== 200) return null;
      const id = JSON.parse(r.text).id as string;
      return {
        kind: "upload",
        async check(sql) {
          const file = await sql.get("SELECT status FROM files WHERE id = ?", id);
          if (!file) return `upload: file ${name} (${id}) is gone`;
          const passages = await sql.get("SELECT count(*) AS n FROM passages WHERE file_id = ?", id);
          return Number(passages?.n) > 0 ? null : `upload: file ${name} has no passages`;
        },
      };
    },
  },
  {
    name: "summarize",
    weight: 10,
    async run({ url, agents }) {
      await call(`${url}/v1/agents/${pick(agents)}/summarize`, "POST", {});
      return null; // nothing to keep: the window invariants check it
    },
  },
  {
    name: "archival",
    weight: 15,
    async run({ url, agents, n }) {
      const agent = pick(agents);
      const text = `passage ${n} ${filler(n)}`;
      const r = await call(`${url}/v1/agents/${agent}/archival-memory`, "POST", { text });
      if (r.status !== 200) return null;
      return {
        kind: "archival",
        check: async (sql) =>
          (await sql.get("SELECT 1 AS found FROM passages WHERE agent_id = ? AND text = ?", agent, text))
            ? null
            : `archival: passage ${n} of an answered insert is gone`,
      };
    },
  },
];

// ---- the targets: lmos serve on a SQLite home, or on a PostgreSQL schema of its own ----

interface Target {
  /** Where the data is, for the report. */
  store: string;
  start(): Promise<string>;
  kill(): Promise<void>;
  /** Violations of the store invariants and of the acknowledgements so far. */
  check(acks: Ack[]): Promise<string[]>;
  /** Removes what the campaign created (the home, the schema). */
  remove(): Promise<void>;
}

function serveTarget(
  env: Record<string, string>,
  openSql: () => Promise<Sql>,
  store: string,
  remove: () => Promise<void>,
): Target {
  let child: ChildProcess | null = null;
  const fullEnv = {
    ...process.env,
    OPENAI_API_KEY: "crash",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
    LMOS_API_KEY: "",
    LMOS_MAX_RETRIES: "0",
    NO_COLOR: "1",
    ...env,
  };
  return {
    store,
    remove,
    start: () =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [join(root, "bin/lmos.js"), "serve", "--port", "0"], {
          cwd: root,
          env: fullEnv,
          stdio: ["ignore", "pipe", "pipe"],
        });
        child = c;
        let out = "";
        const onData = (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        };
        c.stdout?.on("data", onData);
        c.stderr?.on("data", (d: Buffer) => {
          out += d.toString();
        });
        c.once("exit", (code) => reject(new Error(`lmos serve exited with ${code}: ${out.slice(-500)}`)));
      }),
    kill: () =>
      new Promise((resolve) => {
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once("exit", () => resolve());
        c.kill("SIGKILL");
      }),
    async check(acks) {
      const sql = await openSql();
      try {
        const out = await storeViolations(sql);
        for (const a of acks) {
          const v = await a.check(sql);
          if (v) out.push(v);
        }
        return out;
      } finally {
        await sql.close();
      }
    },
  };
}

function sqliteTarget(home: string, modelUrl: string): Target {
  return serveTarget(
    { LMOS_HOME: home, OPENAI_BASE_URL: modelUrl },
    async () => openSqliteSql(join(home, "lmos.db")),
    "SQLite",
    async () => rmSync(home, { recursive: true, force: true }),
  );
}

/** lmos serve on a fresh schema of the PostgreSQL at `url` (created here, dropped by remove()). */
async function postgresTarget(home: string, modelUrl: string, url: string): Promise<Target> {
  const schema = `lmos_crash_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const withSchema = new URL(url);
  withSchema.searchParams.set("schema", schema);
  return serveTarget(
    { LMOS_HOME: home, OPENAI_BASE_URL: modelUrl, LMOS_DATABASE_URL: withSchema.toString() },
    () => openPostgresSql(url, schema),
    `PostgreSQL (${new URL(url).host}, schema ${schema})`,
    async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
      rmSync(home, { recursive: true, force: true });
    },
  );
}

function spread(xs: number[]): { min: number; median: number; max: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
}

/** How many tool results a long round waits for before its kill, and for how long at most. */
const TOOL_ACKS_PER_LONG_ROUND = 3;
const LONG_ROUND_CAP_MS = 30_000;

/** One of `items`, chosen with probability proportional to its weight. */
function weighted<T extends { weight: number }>(items: T[]): T {
  let r = Math.random() * items.reduce((sum, x) => sum + x.weight, 0);
  for (const x of items) {
    r -= x.weight;
    if (r < 0) return x;
  }
  return items[0];
}

export default async function crashBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kills: { type: "string", default: "100" },
      workers: { type: "string", default: "12" },
      store: { type: "string", default: "sqlite" },
      "database-url": { type: "string" },
    },
  });
  if (values.store !== "sqlite" && values.store !== "postgres")
    throw new Error(`--store is sqlite or postgres, not "${values.store}"`);
  const commit = gitCommit();
  const kills = Number(values.kills);
  const workers = Number(values.workers);
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-crash-"));
  const model = await startChild(["--import", "tsx", "bench/crash.bench.ts"], { LMOS_BENCH_ROLE: "model" });
  const pgUrl =
    values["database-url"] ??
    process.env.LMOS_BENCH_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/test";
  const target =
    values.store === "postgres"
      ? await postgresTarget(home, model.url, pgUrl)
      : sqliteTarget(home, model.url);
  console.log(`crash campaign on ${target.store}`);
  const acks: Ack[] = [];
  const violations: string[] = [];
  const started = new Map<string, number>();
  const acked = new Map<string, number>();
  const killedAfterMs: number[] = [];
  const t0 = performance.now();
  try {
    let url = await target.start();
    const toolIds: string[] = [];
    for (const body of [
      { source_code: PYTHON_TOOL },
      { source_code: JS_TOOL, source_type: "javascript", json_schema: JS_SCHEMA },
    ]) {
      const r = await call(`${url}/v1/tools/`, "POST", body);
      if (r.status !== 200) throw new Error(`creating a tool answered ${r.status}: ${r.text}`);
      toolIds.push(JSON.parse(r.text).id);
    }
    const agents: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await call(`${url}/v1/agents/`, "POST", {
        name: `crash-${i}`,
        context_window_limit: 3000,
        tool_ids: toolIds,
      });
      agents.push(JSON.parse(r.text).id);
    }
    const folder = JSON.parse((await call(`${url}/v1/folders/`, "POST", { name: "crash" })).text)
      .id as string;
    let n = 0;
    let checked = 0;
    for (let round = 0; round < kills; round++) {
      let killed = false;
      let toolsAcked = 0;
      const ctx = { url, agents, folder, n: 0 };
      const loop = async () => {
        while (!killed) {
          const w = weighted(WORKLOADS);
          started.set(w.name, (started.get(w.name) ?? 0) + 1);
          try {
            const ack = await w.run({ ...ctx, n: n++ });
            // An answer that arrived is acknowledged even if the kill follows at once.
            if (ack) {
              acks.push(ack);
              acked.set(w.name, (acked.get(w.name) ?? 0) + 1);
              if (w.name.endsWith(" tool")) toolsAcked++;
            }
          } catch {
            // the connection died with the server: nothing was acknowledged
          }
        }
      };
      const load = Array.from({ length: workers }, loop);
      // Two rounds in three kill early (while the server starts, Pyodide boots, the first steps run). Every
      // third round runs until TOOL_ACKS_PER_LONG_ROUND tool results are acknowledged (the sandbox has to
      // boot after each restart, Pyodide in seconds; at most LONG_ROUND_CAP_MS), then a little longer, so
      // the kill lands with other tools still in flight.
      const t = performance.now();
      if (round % 3 === 2) {
        while (toolsAcked < TOOL_ACKS_PER_LONG_ROUND && performance.now() - t < LONG_ROUND_CAP_MS)
          await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 2000)));
      } else await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 2300)));
      killedAfterMs.push(Math.round(performance.now() - t));
      killed = true;
      await target.kill();
      await Promise.allSettled(load);
      url = await target.start(); // the restart recovers (fails the dead process's runs)
      // The acknowledgements of this round after its kill; all of them again after the last one.
      const found = await target.check(round + 1 === kills ? acks : acks.slice(checked));
      checked = acks.length;
      for (const v of found) violations.push(`kill ${round + 1}: ${v}`);
      if ((round + 1) % 10 === 0) {
        console.log(
          `${round + 1} kills: ${acks.length} acknowledged writes checked, ${violations.length} violations`,
        );
      }
    }
    await target.kill();
  } finally {
    model.child.kill("SIGTERM");
    await target.kill();
    await target.remove();
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  const rows = WORKLOADS.map((w) => ({
    work: w.name,
    started: started.get(w.name) ?? 0,
    acknowledged: acked.get(w.name) ?? 0,
  }));
  console.table(rows);
  const toolResults = rows
    .filter((r) => r.work.endsWith(" tool"))
    .reduce((sum, r) => sum + r.acknowledged, 0);
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    load_at_end: loadavg().map((l) => Math.round(l * 10) / 10),
    store: target.store,
    commit,
    kills,
    workers,
    seconds,
    acknowledged_checked: acks.length,
    tool_results_acknowledged: toolResults,
    killed_after_ms: spread(killedAfterMs),
    store_invariants_looked_at: looked,
    lost_or_half_applied: violations.length,
    violations: violations.slice(0, 50),
    rows,
  };
  console.log(
    `${kills} SIGKILLs in ${seconds} s on ${target.store}; ${acks.length} acknowledged writes (${toolResults} tool results), ${violations.length} violations; kills after ${JSON.stringify(result.killed_after_ms)} ms`,
  );
  for (const v of violations.slice(0, 20)) console.log(`  ${v}`);
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  const file = values.store === "postgres" ? "crash-postgres.json" : "crash.json";
  writeFileSync(join(import.meta.dirname, "results", file), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote bench/results/${file}`);
  if (violations.length) process.exitCode = 1;
}

if (process.env.LMOS_BENCH_ROLE === "model") await modelRole();
