// Two processes serving one database both see the same due schedules; each firing happens once (the
// claim is a compare-and-set in the store, see src/store/contract/schedules.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

let model: ScriptedModel | undefined;
let home = "";
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  children.length = 0;
  await model?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Starts a child lmos with background work on; resolves once it is ready. */
async function child(env: Record<string, string>): Promise<ChildProcess> {
  const c = spawn(process.execPath, ["--import", "tsx", "test/jobs-child.ts"], {
    cwd: join(import.meta.dirname, ".."),
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(c);
  let out = "";
  let err = "";
  c.stdout?.on("data", (d) => {
    out += String(d);
  });
  c.stderr?.on("data", (d) => {
    err += String(d);
  });
  await eventually(async () => {
    if (c.exitCode !== null) throw new Error(`child exited: ${err}`);
    return out.includes("ready");
  }, 60_000);
  return c;
}

it("two processes that both see due schedules fire each of them once", async () => {
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), "lmos-sched-procs-"));
  const env = {
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_SCHEDULER_TICK_MS: "20",
    LMOS_JOB_POLL_MS: "20",
  };
  const os = await openLmos({ home, env, background: false });
  try {
    await Promise.all([child(env), child(env)]);
    const agents = [];
    for (let i = 0; i < 12; i++) agents.push(await os.agents.create({ name: `due-${i}` }));
    const at = Date.now() + 400;
    const schedules = await Promise.all(agents.map((a) => a.schedules.create({ at, reason: "race" })));
    await eventually(async () => {
      const open = await os.store.listJobs({ statuses: ["queued", "running"] });
      const fired = await Promise.all(schedules.map((s) => os.store.getSchedule(s.id)));
      return open.length === 0 && fired.every((s) => s?.lastFiredAt);
    }, 30_000);
    const runs = await os.runs.list({});
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => r.chain?.origin))).toEqual(new Set(schedules.map((s) => s.id)));
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    expect(await os.store.listJobs({ statuses: ["failed"] })).toEqual([]);
  } finally {
    for (const c of children) c.stdin?.end();
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode === null ? c.on("exit", r) : r(null)))),
    );
    await os.close();
  }
});
