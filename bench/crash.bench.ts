// `npm run bench -- crash [--kills 100] [--workers 12] [--seed S]`: the crash campaign. `lmos serve` (the
// real CLI, on a SQLite home) runs busy work — sends, token streams, uploads, summaries, tool calls that
// edit core memory and insert archival passages, custom Python and JavaScript tools running in the sandbox
// pool — and is SIGKILLed at a random point (a third of the rounds wait long enough for Pyodide to start
// and Python tools to finish; the rest kill it while it starts), restarted, and the
// database checked, `--kills` times. Checks after every restart: every acknowledged write is there (the
// input and the returned messages of an answered send or a finished stream, an uploaded file, an archival
// insert), no half-applied step (every window points at stored messages, every message of a step has its
// step row, no block edit without the committed step that made it), every run ended or failed, and
// `PRAGMA integrity_check` is ok; a tool's result is stored only with its committed step. Prints the counts; exits 1 on any violation. Writes
// bench/results/crash.json.
//
// Adding a kind of work: a Workload (what to send, what it acknowledged, how to check that). Adding a
// store (PostgreSQL): a Target (start, kill, check); the workloads and invariants stay.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { startChild } from "./children.ts";

const root = new URL("..", import.meta.url).pathname;
const keepAlive = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });

interface Answer {
  status: number;
  text: string;
}

function call(
  url: string,
  method: string,
  body?: unknown,
  raw?: { type: string; data: Buffer },
): Promise<Answer> {
  const payload = raw ? raw.data : body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: keepAlive,
        headers: payload
          ? { "content-type": raw?.type ?? "application/json", "content-length": payload.length }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

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
  check(db: Database.Database): string | null;
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
    check(db) {
      const hasInput = db
        .prepare("SELECT 1 FROM messages WHERE agent_id = ? AND role = 'user' AND content LIKE ?")
        .get(agentId, `%${input.replace(/[%_]/g, "")}%`);
      if (!hasInput) return `${kind}: the input "${input}" of an answered send is gone`;
      for (const id of ids)
        if (!db.prepare("SELECT 1 FROM messages WHERE id = ?").get(id))
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
    check(db) {
      const lost = messages.check(db);
      if (lost) return lost;
      const result = db
        .prepare(
          "SELECT 1 FROM messages m JOIN steps s ON s.id = m.step_id WHERE m.agent_id = ? AND m.role = 'tool' AND m.content LIKE ?",
        )
        .get(agentId, `%${marker}%`);
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
        check(db) {
          const file = db.prepare("SELECT status FROM files WHERE id = ?").get(id) as
            | { status: string }
            | undefined;
          if (!file) return `upload: file ${name} (${id}) is gone`;
          const passages = db.prepare("SELECT count(*) AS n FROM passages WHERE file_id = ?").get(id) as {
            n: number;
          };
          return passages.n > 0 ? null : `upload: file ${name} has no passages`;
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
        check: (db) =>
          db.prepare("SELECT 1 FROM passages WHERE agent_id = ? AND text = ?").get(agent, text)
            ? null
            : `archival: passage ${n} of an answered insert is gone`,
      };
    },
  },
];

// ---- invariants of the whole database, whatever was acknowledged ----

/** How much the store invariants looked at, over the campaign (so a vacuous pass shows). */
const looked = { blockTokens: 0, windowIds: 0, stepMessages: 0, runs: 0 };

function storeViolations(db: Database.Database): string[] {
  const out: string[] = [];
  const integrity = db.pragma("integrity_check") as Array<{ integrity_check: string }>;
  if (integrity[0]?.integrity_check !== "ok")
    out.push(`integrity_check: ${JSON.stringify(integrity).slice(0, 300)}`);
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  looked.windowIds += count("SELECT count(*) AS n FROM agent_context");
  looked.stepMessages += count("SELECT count(*) AS n FROM messages WHERE step_id IS NOT NULL");
  looked.runs += count("SELECT count(*) AS n FROM runs");
  const dangling = count(
    "SELECT count(*) AS n FROM agent_context c LEFT JOIN messages m ON m.id = c.message_id WHERE m.id IS NULL",
  );
  if (dangling) out.push(`${dangling} in-context ids point at no stored message`);
  const orphanMessages = count(
    "SELECT count(*) AS n FROM messages m WHERE m.step_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.id = m.step_id)",
  );
  if (orphanMessages) out.push(`${orphanMessages} messages of a step with no step row (half-applied step)`);
  const open = count("SELECT count(*) AS n FROM runs WHERE status IN ('created', 'running')");
  if (open) out.push(`${open} runs neither ended nor failed after the restart`);
  // Every core-memory token in a block was written by a committed step's tool call.
  for (const b of db.prepare("SELECT value FROM blocks").all() as Array<{ value: string }>) {
    for (const token of b.value.match(/CRASHTOKEN-\d+/g) ?? []) {
      looked.blockTokens++;
      const made = db
        .prepare(
          "SELECT 1 FROM messages m JOIN steps s ON s.id = m.step_id WHERE m.role = 'assistant' AND m.tool_calls LIKE ?",
        )
        .get(`%core_memory_append%${token}%`);
      if (!made) out.push(`block holds ${token} without the committed step that wrote it`);
    }
  }
  return out;
}

// ---- the target: lmos serve on a SQLite home ----

interface Target {
  start(): Promise<string>;
  kill(): Promise<void>;
  /** Violations of the store invariants and of the acknowledgements so far. */
  check(acks: Ack[]): string[];
}

function sqliteTarget(home: string, modelUrl: string): Target {
  let child: ChildProcess | null = null;
  const env = {
    ...process.env,
    LMOS_HOME: home,
    OPENAI_BASE_URL: modelUrl,
    OPENAI_API_KEY: "crash",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
    LMOS_API_KEY: "",
    LMOS_MAX_RETRIES: "0",
    NO_COLOR: "1",
  };
  return {
    start: () =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, [join(root, "bin/lmos.js"), "serve", "--port", "0"], {
          cwd: root,
          env,
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
        if (!c || c.exitCode !== null) return resolve();
        c.once("exit", () => resolve());
        c.kill("SIGKILL");
      }),
    check(acks) {
      const db = new Database(join(home, "lmos.db"), { readonly: true, fileMustExist: true });
      try {
        const out = storeViolations(db);
        for (const a of acks) {
          const v = a.check(db);
          if (v) out.push(v);
        }
        return out;
      } finally {
        db.close();
      }
    },
  };
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

export default async function crashBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { kills: { type: "string", default: "100" }, workers: { type: "string", default: "12" } },
  });
  const kills = Number(values.kills);
  const workers = Number(values.workers);
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-crash-"));
  const model = await startChild(["--import", "tsx", "bench/crash.bench.ts"], { LMOS_BENCH_ROLE: "model" });
  const target = sqliteTarget(home, model.url);
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
            }
          } catch {
            // the connection died with the server: nothing was acknowledged
          }
        }
      };
      const load = Array.from({ length: workers }, loop);
      // Most kills land early (while the server starts, Pyodide boots, the first steps run); every third
      // round runs long enough for Python tools to finish and be acknowledged.
      const delay =
        round % 3 === 2 ? 4000 + Math.floor(Math.random() * 6000) : 200 + Math.floor(Math.random() * 2300);
      killedAfterMs.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      killed = true;
      await target.kill();
      await Promise.allSettled(load);
      url = await target.start(); // the restart recovers (fails the dead process's runs)
      // The acknowledgements of this round after its kill; all of them again after the last one.
      const found = target.check(round + 1 === kills ? acks : acks.slice(checked));
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
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  const rows = WORKLOADS.map((w) => ({
    work: w.name,
    started: started.get(w.name) ?? 0,
    acknowledged: acked.get(w.name) ?? 0,
  }));
  console.table(rows);
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    load_at_end: loadavg().map((l) => Math.round(l * 10) / 10),
    kills,
    workers,
    seconds,
    acknowledged_checked: acks.length,
    store_invariants_looked_at: looked,
    lost_or_half_applied: violations.length,
    violations: violations.slice(0, 50),
    rows,
  };
  console.log(
    `${kills} SIGKILLs in ${seconds} s; ${acks.length} acknowledged writes, ${violations.length} violations`,
  );
  for (const v of violations.slice(0, 20)) console.log(`  ${v}`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(join(import.meta.dirname, "results/crash.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/crash.json");
  if (violations.length) process.exitCode = 1;
}

if (process.env.LMOS_BENCH_ROLE === "model") await modelRole();
