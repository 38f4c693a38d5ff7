// The agent lease when its holder stops: a holder that died (SIGKILL) is taken over at once, not after
// its lease lapses; a holder that hangs (SIGSTOP) past its lease is taken over once it lapses, and when it
// wakes up, the step it was computing is refused (fenced) instead of landing on its successor's state.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { type ScriptedModel, startScriptedModel, toolCallReply } from "./scripted-model.ts";
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

/** A child (test/runs-child.ts) running agent `name`, returned once its run waits on the model. */
async function holder(name: string, leaseTtlMs: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/runs-child.ts", name], {
    cwd: join(import.meta.dirname, ".."),
    env: {
      ...process.env,
      LMOS_HOME: home,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test",
      LMOS_LEASE_TTL_MS: String(leaseTtlMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
    return model.chatRequests().length > 0;
  }, 60_000);
  return { child, exited };
}

const reply = (text: string) => toolCallReply("send_message", { message: text });

it("takes over at once the lease of a holder that was killed", async () => {
  model = await startScriptedModel({ fallback: () => reply("back") });
  model.push({ ...reply("never"), delayMs: 60_000 });
  home = mkdtempSync(join(tmpdir(), "lmos-lease-kill-"));
  // a lease that would not lapse during this test: only the holder's death can free it
  const doomed = await holder("doomed", 600_000);
  doomed.child.kill("SIGKILL");
  await doomed.exited;
  const os = await openLmos({ home, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" } });
  try {
    const run = await (await os.agents.get("doomed")).send("are you there?");
    expect(run).toMatchObject({ stopReason: "end_turn", reply: "back" });
  } finally {
    await os.close();
  }
});

it("takes over a hung holder's lapsed lease, and refuses the step it commits on waking", async () => {
  model = await startScriptedModel({ fallback: () => reply("fresh") });
  model.push({
    ...toolCallReply("core_memory_append", { label: "human", content: "from the stalled holder" }),
    delayMs: 800,
  });
  home = mkdtempSync(join(tmpdir(), "lmos-lease-stop-"));
  const hung = await holder("hung", 300);
  hung.child.kill("SIGSTOP");
  const os = await openLmos({ home, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" } });
  try {
    const agent = await os.agents.get("hung");
    const run = await agent.send("hello?"); // waits until the stopped holder's lease lapses, then runs
    expect(run).toMatchObject({ stopReason: "end_turn", reply: "fresh" });
    hung.child.kill("SIGCONT");
    await hung.exited;
    const runs = await os.runs.list({ agentIds: [agent.id], order: "asc" });
    expect(runs.map((r) => r.status)).toEqual(["failed", "completed"]);
    // the woken holder's step was refused whole: its edit and its messages are not there
    expect((await agent.memory.get("human")).value).not.toContain("from the stalled holder");
    expect(await os.runs.messages(runs[0].id)).toHaveLength(1); // only its input, stored before it hung
    const stored = new Set((await agent.messages({ limit: 100 })).map((m) => m.id));
    const window = (await agent.state()).record.inContextMessageIds;
    expect(window.every((id) => stored.has(id))).toBe(true);
    expect(window.slice(-1)).toEqual([...stored].slice(-1));
  } finally {
    await os.close();
  }
});
