// `npm run bench -- stall`: does one big request stall `lmos serve`? For each big send (5 MB of one
// unbroken word and of words, to an agent whose window it cannot fit and to one with a 4M-token window;
// 50 MB, over the body limit) it prints the send's answer and time, and the health checks and other
// agent's sends answered meanwhile (one after the other) with their slowest answer. Three processes: the
// scripted model, `lmos serve` (the real CLI), this client. Writes bench/results/stall.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gitCommit, startChild } from "./children.ts";

const root = new URL("..", import.meta.url).pathname;

async function call(url: string, method: string, body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body,
    signal: AbortSignal.timeout(600_000),
  });
  return { status: res.status, text: await res.text() };
}

function oneWord(bytes: number): string {
  const out = Buffer.alloc(bytes);
  let x = 7;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = 97 + (x % 26);
  }
  return out.toString("latin1");
}

function words(bytes: number): string {
  const out = Buffer.from(oneWord(bytes), "latin1");
  for (let i = 0; i < bytes; i += 6) out[i] = 32;
  return out.toString("latin1");
}

function startServe(env: Record<string, string>): Promise<{ url: string; kill: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "bin/lmos.js"), "serve", "--port", "0"], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], kill: () => child.kill("SIGKILL") });
    });
    child.once("exit", (code) => reject(new Error(`lmos serve exited with ${code}`)));
  });
}

export default async function stallBench(): Promise<void> {
  const commit = gitCommit();
  const loadAtStart = loadavg().map((l) => Math.round(l * 10) / 10);
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-stall-"));
  const model = await startChild(["--import", "tsx", "test/scripted-model-server.ts"], {});
  const serve = await startServe({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "bench",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
    LMOS_API_KEY: "",
  });
  const rows = [];
  try {
    const url = serve.url;
    const agent = async (body: object) =>
      JSON.parse((await call(`${url}/v1/agents/`, "POST", JSON.stringify(body))).text).id;
    const small = await agent({ name: "small" });
    const roomy = await agent({ name: "roomy", context_window_limit: 4_000_000 });
    const other = await agent({ name: "other" });
    await call(`${url}/v1/agents/${other}/messages`, "POST", JSON.stringify({ input: "warm up" }));
    const cases: Array<[string, string, string]> = [
      ["5 MB one word, 128K window", small, oneWord(5e6)],
      ["5 MB words, 128K window", small, words(5e6)],
      ["5 MB one word, 4M window", roomy, oneWord(5e6)],
      ["5 MB words, 4M window", roomy, words(5e6)],
      ["50 MB one word", roomy, oneWord(5e7)],
      ["50 MB words", roomy, words(5e7)],
    ];
    for (const [name, id, text] of cases) {
      const body = JSON.stringify({ input: text });
      const t0 = performance.now();
      let done = false;
      // A send that fails (the connection cut before its answer) is a row with status 0 and the error, not a
      // crash of the bench that leaves its server and model running.
      const big = call(`${url}/v1/agents/${id}/messages`, "POST", body)
        .catch((e: Error) => ({ status: 0, text: `${e.message}: ${String(e.cause ?? "")}` }))
        .finally(() => {
          done = true;
        });
      const probes: number[] = [];
      while (!done) {
        for (const [method, path, b] of [
          ["GET", "/v1/health/", undefined],
          ["POST", `/v1/agents/${other}/messages`, JSON.stringify({ input: "probe" })],
        ] as const) {
          const p0 = performance.now();
          const r = await call(`${url}${path}`, method, b);
          if (r.status !== 200) throw new Error(`probe ${path} answered ${r.status}`);
          probes.push(performance.now() - p0);
        }
      }
      const answer = await big;
      rows.push({
        case: name,
        status: answer.status,
        ...(answer.status === 0 ? { error: answer.text.slice(0, 200) } : {}),
        send_s: Math.round((performance.now() - t0) / 100) / 10,
        probes_answered: probes.length,
        slowest_probe_ms: Math.round(Math.max(0, ...probes)),
      });
      console.log(rows.at(-1));
    }
  } finally {
    serve.kill();
    model.child.kill("SIGTERM");
    rmSync(home, { recursive: true, force: true });
  }
  console.table(rows);
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    commit,
    load_at_start: loadAtStart,
    load_at_end: loadavg().map((l) => Math.round(l * 10) / 10),
    rows,
  };
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(join(import.meta.dirname, "results/stall.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote bench/results/stall.json");
}
