// `npm run bench -- scale [--agents 48] [--concurrency 24] [--seconds 20] [--warmup-seconds 5]
//   [--model-delay-ms 20] [--database-url postgres://…]`
// Steps per second of `lmos serve` on one machine: 1 process on SQLite, 1 replica on PostgreSQL, 2 replicas
// on PostgreSQL (one schema, made for the run and dropped after). Same scripted model for all three, in a
// process of its own, answering every request with send_message after a fixed delay (so a step waits on
// the "model" as it would, without burning the model server's CPU). The load generator keeps
// `concurrency` sends in flight; each client owns its agents (no two sends to one agent at once: that would
// measure the per-agent lease queue, not throughput) and, with two replicas, an agent's sends go to one
// replica by its index (a sticky load balancer). Besides steps/s it prints CPU per step of each party
// (lmos processes, the PostgreSQL backends serving them, the model, the load generator) and how busy the
// whole machine was, so a ratio short of 2× can be read for what it is. Writes bench/results/scale.json.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { cpuSeconds, serveLmosRole, startChild } from "./children.ts";
import { httpCall } from "./http.ts";

const root = new URL("..", import.meta.url).pathname;
const keepAlive = new Agent({ keepAlive: true, maxSockets: 512 });

const call = (url: string, body: unknown) => httpCall(keepAlive, url, "POST", body);

/** Role of this file as the scripted model: send_message after a fixed delay, every time. */
async function modelRole(): Promise<void> {
  const { startScriptedModel, sendMessageReply } = await import("../test/scripted-model.ts");
  const delayMs = Number(process.env.LMOS_BENCH_MODEL_DELAY_MS ?? "20");
  const model = await startScriptedModel({
    fallback: () => ({ ...sendMessageReply("noted"), delayMs }),
    keepRequests: 10,
  });
  process.stdout.write(`listening ${model.url}\n`);
  const stop = () => void model.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Busy and total jiffies of the whole machine (/proc/stat), for how busy its cores were. */
function machineJiffies(): { busy: number; total: number } {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** CPU seconds of the PostgreSQL backends whose application_name is `app` (same machine, readable /proc). */
async function backendCpu(admin: pg.Client, app: string): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
    [app],
  );
  return rows.reduce((s, r) => s + (cpuSeconds(r.pid) ?? 0), 0);
}

interface Setup {
  name: string;
  store: "sqlite" | "postgres";
  replicas: number;
}

interface Result {
  setup: string;
  replicas: number;
  sends: number;
  steps: number;
  failures: number;
  seconds: number;
  steps_per_s: number;
  cpu_ms_per_step: { lmos: number; postgres: number; model: number; load: number; all: number };
  machine_busy: number;
}

export default async function bench(argv: string[]): Promise<void> {
  if (process.env.LMOS_BENCH_ROLE === "server") {
    await serveLmosRole();
    return;
  }
  if (process.env.LMOS_BENCH_ROLE === "model") return modelRole();
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: "string", default: "48" },
      concurrency: { type: "string", default: "24" },
      seconds: { type: "string", default: "20" },
      "warmup-seconds": { type: "string", default: "5" },
      "model-delay-ms": { type: "string", default: "20" },
      "database-url": {
        type: "string",
        default: process.env.LMOS_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      },
    },
  });
  const agents = Number(values.agents);
  const concurrency = Math.min(Number(values.concurrency), agents);
  const seconds = Number(values.seconds);
  const warmup = Number(values["warmup-seconds"]);
  const databaseUrl = values["database-url"]!;
  const schema = `lmos_bench_scale_${process.pid}`;
  const app = `lmos_bench_scale_${process.pid}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const children: ChildProcess[] = [];
  const homes: string[] = [];
  const results: Result[] = [];
  try {
    const model = await startChild(["--import", "tsx", "bench/scale.bench.ts"], {
      LMOS_BENCH_ROLE: "model",
      LMOS_BENCH_MODEL_DELAY_MS: values["model-delay-ms"]!,
    });
    children.push(model.child);
    const setups: Setup[] = [
      { name: "SQLite, 1 process", store: "sqlite", replicas: 1 },
      { name: "PostgreSQL, 1 replica", store: "postgres", replicas: 1 },
      { name: "PostgreSQL, 2 replicas", store: "postgres", replicas: 2 },
    ];
    for (const setup of setups) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      const home = mkdtempSync(join(tmpdir(), "lmos-bench-scale-"));
      homes.push(home);
      const url = new URL(databaseUrl);
      url.searchParams.set("schema", schema);
      url.searchParams.set("application_name", app);
      const env: Record<string, string> = {
        LMOS_BENCH_ROLE: "server",
        LMOS_HOME: home,
        OPENAI_BASE_URL: model.url,
        OPENAI_API_KEY: "bench",
        LMOS_MODEL: "openai/gpt-4o-mini",
        LMOS_EMBEDDING: "none",
        LMOS_API_KEY: "",
        LMOS_MAX_RETRIES: "0",
        ...(setup.store === "postgres" ? { LMOS_DATABASE_URL: url.toString() } : {}),
      };
      const servers: Array<{ child: ChildProcess; url: string }> = [];
      for (let i = 0; i < setup.replicas; i++) {
        const s = await startChild(["--import", "tsx", "bench/scale.bench.ts"], env);
        servers.push(s);
        children.push(s.child);
      }
      const ids: string[] = [];
      for (let i = 0; i < agents; i++) {
        const res = await call(`${servers[0].url}/v1/agents/`, { name: `scale-${i}` });
        if (res.status !== 200) throw new Error(`create agent: ${res.status} ${res.text}`);
        ids.push(JSON.parse(res.text).id);
      }
      const phase = async (ms: number) => {
        let sends = 0;
        let steps = 0;
        let failures = 0;
        const deadline = Date.now() + ms;
        const client = async (w: number) => {
          const own = ids.map((id, i) => ({ id, i })).filter((a) => a.i % concurrency === w);
          for (let k = 0; Date.now() < deadline; k++) {
            const { id, i } = own[k % own.length];
            const server = servers[i % servers.length];
            const res = await call(`${server.url}/v1/agents/${id}/messages`, {
              messages: [{ role: "user", content: `message ${k} to ${i}` }],
            });
            if (res.status !== 200) {
              failures++;
              continue;
            }
            sends++;
            steps += (JSON.parse(res.text) as { usage: { step_count: number } }).usage.step_count;
          }
        };
        await Promise.all(Array.from({ length: concurrency }, (_, w) => client(w)));
        return { sends, steps, failures };
      };
      await phase(warmup * 1000);

      const lmosCpu = () => servers.reduce((s, x) => s + (cpuSeconds(x.child.pid) ?? 0), 0);
      const before = {
        lmos: lmosCpu(),
        pg: setup.store === "postgres" ? await backendCpu(admin, app) : 0,
        model: cpuSeconds(model.child.pid) ?? 0,
        load: process.cpuUsage(),
        machine: machineJiffies(),
        at: performance.now(),
      };
      const { sends, steps, failures } = await phase(seconds * 1000);
      const elapsed = (performance.now() - before.at) / 1000;
      const machine = machineJiffies();
      const load = process.cpuUsage(before.load);
      const cpu = {
        lmos: lmosCpu() - before.lmos,
        postgres: setup.store === "postgres" ? (await backendCpu(admin, app)) - before.pg : 0,
        model: (cpuSeconds(model.child.pid) ?? 0) - before.model,
        load: (load.user + load.system) / 1e6,
      };
      const perStep = (s: number) => Math.round((s / Math.max(1, steps)) * 1e5) / 100;
      const all = cpu.lmos + cpu.postgres + cpu.model + cpu.load;
      results.push({
        setup: setup.name,
        replicas: setup.replicas,
        sends,
        steps,
        failures,
        seconds: Math.round(elapsed * 10) / 10,
        steps_per_s: Math.round((steps / elapsed) * 10) / 10,
        cpu_ms_per_step: {
          lmos: perStep(cpu.lmos),
          postgres: perStep(cpu.postgres),
          model: perStep(cpu.model),
          load: perStep(cpu.load),
          all: perStep(all),
        },
        machine_busy:
          Math.round(((machine.busy - before.machine.busy) / (machine.total - before.machine.total)) * 100) /
          100,
      });
      for (const s of servers) {
        s.child.kill("SIGTERM");
        await new Promise((r) => s.child.once("exit", r));
      }
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
    keepAlive.destroy();
  }

  const one = results.find((r) => r.setup === "PostgreSQL, 1 replica")!;
  const two = results.find((r) => r.setup === "PostgreSQL, 2 replicas")!;
  const ratio = Math.round((two.steps_per_s / one.steps_per_s) * 100) / 100;
  const header = `scale: ${agents} agents, ${concurrency} sends in flight, ${seconds} s each (after ${warmup} s warm-up), model delay ${values["model-delay-ms"]} ms · ${cpus().length} cores · loadavg ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
  console.log(header);
  console.log(
    "| setup | steps/s | failures | CPU ms/step: lmos | postgres | model | load gen | all | machine busy |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    const c = r.cpu_ms_per_step;
    console.log(
      `| ${r.setup} | ${r.steps_per_s} | ${r.failures} | ${c.lmos} | ${c.postgres} | ${c.model} | ${c.load} | ${c.all} | ${Math.round(r.machine_busy * 100)} % |`,
    );
  }
  console.log(`2 replicas / 1 replica: ${ratio}× (goal ≥ 1.6×)`);
  writeFileSync(
    join(root, "bench/results/scale.json"),
    `${JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), cores: cpus().length, agents, concurrency, seconds, ratio, results }, null, 2)}\n`,
  );
}

if (process.env.LMOS_BENCH_ROLE) await bench([]);
