// `npm run bench -- server [--agents 50] [--concurrency 32] [--requests 3000] [--seconds 60] [--profile]`
// Throughput and latency of non-streaming sends through the HTTP server. Three processes on the loopback:
// the scripted model (answers at once with send_message), the lmos server (real SQLite in a temp home,
// production OpenAI driver), and this load generator (a bounded fetch loop, `concurrency` in flight).
// Writes bench/results/server.json as { agents, steps_per_s, p50_ms, p99_ms, ... }.
import type { ChildProcess } from "node:child_process";
import { Agent } from "node:http";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpuSeconds, serveLmosRole, startChild } from "./children.ts";
import { httpCall } from "./http.ts";
import { selfTimeByFile } from "./cpu-profile.ts";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const root = new URL("..", import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// The load generator uses node:http with keep-alive rather than fetch: fetch (undici) cost the client process
// 1.7 ms of CPU per request here, a share of the same two cores the server under test runs on.
const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 });

const call = (url: string, method: string, body?: unknown) => httpCall(keepAlive, url, method, body);

async function post(url: string, body: unknown): Promise<any> {
  const { status, text } = await call(url, "POST", body);
  if (status < 200 || status >= 300) throw new Error(`${status} ${text}`);
  return JSON.parse(text);
}

/** Role of this file when the bench spawns it as the scripted model: the standalone server's echo answers,
 * keeping only the latest requests (nothing reads them; a long run would otherwise hold every body). */
async function modelRole(): Promise<void> {
  const { startScriptedModel } = await import("../test/scripted-model.ts");
  const { echoReply } = await import("../test/scripted-model-server.ts");
  const model = await startScriptedModel({
    fallback: (req) => echoReply(req, "send_message"),
    keepRequests: 100,
  });
  process.stdout.write(`listening ${model.url}\n`);
  const stop = () => void model.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

export default async function bench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: "string", default: "50" },
      concurrency: { type: "string", default: "32" },
      requests: { type: "string", default: "3000" },
      warmup: { type: "string", default: "200" },
      seconds: { type: "string", default: "60" },
      profile: { type: "boolean", default: false },
    },
  });
  const agents = Number(values.agents);
  const concurrency = Number(values.concurrency);
  const total = Number(values.requests);
  const warmup = Number(values.warmup);
  const seconds = Number(values.seconds);
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-server-"));
  const children: ChildProcess[] = [];
  const profDir = join(root, "bench/results/server-profile");
  try {
    const model = await startChild(["--import", "tsx", "bench/server.bench.ts"], {
      LMOS_BENCH_ROLE: "model",
    });
    children.push(model.child);
    if (values.profile) {
      rmSync(profDir, { recursive: true, force: true });
      mkdirSync(profDir, { recursive: true });
    }
    const server = await startChild(
      [
        ...(values.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
        "--import",
        "tsx",
        "bench/server.bench.ts",
      ],
      {
        LMOS_BENCH_ROLE: "server",
        LMOS_HOME: home,
        OPENAI_BASE_URL: model.url,
        OPENAI_API_KEY: "bench",
        LMOS_MODEL: "openai/gpt-4o-mini",
        LMOS_EMBEDDING: "none",
        LMOS_API_KEY: "",
      },
    );
    children.push(server.child);

    const ids: string[] = [];
    for (let i = 0; i < agents; i++)
      ids.push((await post(`${server.url}/v1/agents/`, { name: `bench-${i}` })).id);

    const run = async (count: number, record: boolean) => {
      const latencies: number[] = [];
      let steps = 0;
      let failures = 0;
      let next = 0;
      const deadline = Date.now() + seconds * 1000;
      const started = performance.now();
      const worker = async () => {
        while (next < count && Date.now() < deadline) {
          const i = next++;
          const t0 = performance.now();
          try {
            const r = await post(`${server.url}/v1/agents/${ids[i % ids.length]}/messages`, {
              input: `hello ${i}`,
            });
            steps += r.usage.step_count;
            if (record) latencies.push(performance.now() - t0);
          } catch (e) {
            failures++;
            if (failures <= 3) console.error(`request ${i} failed: ${(e as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = (performance.now() - started) / 1000;
      return { latencies: latencies.sort((a, b) => a - b), steps, failures, elapsed, sent: next };
    };

    // The HTTP floor: the same concurrency on a read that runs no model and writes nothing.
    const floor = async (ms: number) => {
      let done = 0;
      const end = Date.now() + ms;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < end) {
            await call(`${server.url}/v1/agents/${ids[done % ids.length]}`, "GET");
            done++;
          }
        }),
      );
      return { done, perS: done / ((performance.now() - t0) / 1000) };
    };

    const loadBefore = loadavg()[0];
    await run(warmup, false);
    const main0 = cpuSeconds(server.child.pid, "main");
    const cpu0 = [cpuSeconds(server.child.pid), cpuSeconds(model.child.pid), process.cpuUsage()] as const;
    const r = await run(total, true);
    const cpu1 = [
      cpuSeconds(server.child.pid),
      cpuSeconds(model.child.pid),
      process.cpuUsage(cpu0[2]),
    ] as const;
    // CPU per step is robust to other load on the machine; the server's JS is one thread, so 1000 / that
    // thread's CPU ms per step is the throughput ceiling of one server process on an otherwise idle core.
    const perStep = (a: number | null, b: number | null) =>
      a === null || b === null || !r.steps ? null : Number((((b - a) * 1000) / r.steps).toFixed(2));
    const main1 = cpuSeconds(server.child.pid, "main");
    const serverCpuMs = perStep(cpu0[0], cpu1[0]);
    // The server's JS runs on its main thread (WAL checkpoints run on a worker): that thread is the bound.
    const serverMainMs = perStep(main0, main1);
    const modelCpuMs = perStep(cpu0[1], cpu1[1]);
    const clientCpuMs = Number(((cpu1[2].user + cpu1[2].system) / 1000 / Math.max(1, r.steps)).toFixed(2));
    // Under --profile the floor is skipped so that the profile holds the sends only (and start-up).
    const cpuF0 = cpuSeconds(server.child.pid);
    const floorRun = values.profile ? { done: 0, perS: 0 } : await floor(3000);
    const cpuF1 = cpuSeconds(server.child.pid);
    const retrievePerS = floorRun.perS;
    const retrieveCpuMs =
      cpuF0 === null || cpuF1 === null || !floorRun.done
        ? null
        : Number((((cpuF1 - cpuF0) * 1000) / floorRun.done).toFixed(2));
    const result = {
      agents,
      concurrency,
      requests: r.sent,
      failures: r.failures,
      seconds: Number(r.elapsed.toFixed(2)),
      steps: r.steps,
      steps_per_s: Number((r.steps / r.elapsed).toFixed(1)),
      requests_per_s: Number((r.latencies.length / r.elapsed).toFixed(1)),
      p50_ms: Number(percentile(r.latencies, 50).toFixed(1)),
      p99_ms: Number(percentile(r.latencies, 99).toFixed(1)),
      server_cpu_ms_per_step: serverCpuMs,
      model_cpu_ms_per_step: modelCpuMs,
      client_cpu_ms_per_step: clientCpuMs,
      server_main_thread_cpu_ms_per_step: serverMainMs,
      server_ceiling_steps_per_s: serverMainMs ? Number((1000 / serverMainMs).toFixed(1)) : null,
      retrieve_agent_per_s: Number(retrievePerS.toFixed(1)),
      retrieve_server_cpu_ms: retrieveCpuMs,
      cpus: cpus().length,
      load_avg_1m: [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))],
      node: process.version,
    };
    console.table([result]);
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results/server.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log("wrote bench/results/server.json");
  } finally {
    keepAlive.destroy();
    for (const c of children.reverse()) {
      c.kill("SIGTERM");
      await new Promise((res) => (c.exitCode !== null ? res(null) : c.once("exit", res)));
    }
    rmSync(home, { recursive: true, force: true });
  }
  // The server writes its profile as it exits, in the finally above.
  if (values.profile) printProfile(profDir);
}

/** Self time of the server's main thread by file: the largest profile in `dir` (the loader thread of tsx
 * writes a small one beside it). */
function printProfile(dir: string): void {
  const main = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!main) return;
  console.log(`server self time by file (% of sampled wall time; ${main}):`);
  console.table(selfTimeByFile(main));
}

if (process.env.LMOS_BENCH_ROLE === "model") {
  modelRole().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else if (process.env.LMOS_BENCH_ROLE === "server") {
  serveLmosRole().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
