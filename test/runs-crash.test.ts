// A run cut by a crash does not stay "running": opening lmos fails the runs of processes that no longer
// exist (stop reason "error", completed_at set) and leaves alone the runs of a live process sharing the file.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

let model: ScriptedModel;
let home: string;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children.length = 0;
  await model.close();
  rmSync(home, { recursive: true, force: true });
});

/** Starts a child that runs agent `name` and returns once its run is waiting on the model. */
async function runningChild(name: string): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const before = model.chatRequests().length;
  // node itself (not npx) so a SIGKILL hits the process that runs the agent
  const child = spawn(process.execPath, ["--import", "tsx", "test/runs-child.ts", name], {
    cwd: join(import.meta.dirname, ".."),
    env: { ...process.env, LMOS_HOME: home, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`child ${name} exited early: ${stderr}`);
    return model.chatRequests().length > before;
  }, 60_000);
  return { child, exited };
}

it("fails the run of a killed process at open and while open, and leaves a live process's run running", async () => {
  model = await startScriptedModel({ fallback: () => ({ content: "never in time", delayMs: 60_000 }) });
  home = mkdtempSync(join(tmpdir(), "lmos-runs-crash-"));

  const doomed = await runningChild("doomed");
  doomed.child.kill("SIGKILL");
  await doomed.exited;
  const alive = await runningChild("alive");

  const os = await openLmos({ home, env: { LMOS_RUN_SWEEP_MS: "100" } });
  let aliveRunId = "";
  try {
    const doomedId = (await os.agents.get("doomed")).id;
    const aliveId = (await os.agents.get("alive")).id;
    const [cut] = await os.runs.list({ agentIds: [doomedId] });
    expect(cut).toMatchObject({ status: "failed", stopReason: "error" });
    expect(Date.parse(cut.completedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(cut.createdAt));
    // the input the run stored is still there, and still the run's
    expect((await os.runs.messages(cut.id)).map((m) => m.role)).toEqual(["user"]);
    // and the agent says its last run ended in an error
    expect((await (await os.agents.get("doomed")).state()).record.lastStopReason).toBe("error");

    const [live] = await os.runs.list({ agentIds: [aliveId] });
    expect(live).toMatchObject({ status: "running", stopReason: null, completedAt: null });
    aliveRunId = live.id;
    expect((await os.runs.list({ statuses: ["running"] })).map((r) => r.id)).toEqual([live.id]);

    // once that process is gone too, the open lmos notices by itself (its periodic sweep), no reopen
    alive.child.kill("SIGKILL");
    await alive.exited;
    await eventually(async () => (await os.runs.get(aliveRunId))?.status === "failed", 10_000);
    expect(await os.runs.get(aliveRunId)).toMatchObject({ status: "failed", stopReason: "error" });
    expect(await os.runs.list({ statuses: ["created", "running"] })).toEqual([]);
  } finally {
    await os.close();
  }
});
