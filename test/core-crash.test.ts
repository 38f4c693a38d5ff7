// A process killed mid-run (SIGKILL, no cleanup) leaves a database that opens and holds only whole steps.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { type ScriptedModel, startScriptedModel, toolCallReply } from "./scripted-model.ts";

let model: ScriptedModel;
let home: string;
afterEach(async () => {
  await model.close();
  rmSync(home, { recursive: true, force: true });
});

it("keeps only whole steps after a SIGKILL mid-run", async () => {
  let n = 0;
  model = await startScriptedModel({
    fallback: () => ({
      ...toolCallReply("archival_memory_insert", { content: `note ${++n}`, request_heartbeat: true }),
      delayMs: 40,
    }),
  });
  home = mkdtempSync(join(tmpdir(), "lmos-crash-"));
  // node itself (not npx) so the SIGKILL hits the process that runs the agent
  const child = spawn(process.execPath, ["--import", "tsx", "test/crash-child.ts"], {
    cwd: join(import.meta.dirname, ".."),
    env: { ...process.env, LMOS_HOME: home, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, sig) => resolve(sig)));
  // Kill while a model request is in flight, after several steps have been committed.
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (model.chatRequests().length >= 6) {
        clearInterval(timer);
        child.kill("SIGKILL");
        resolve();
      }
    }, 5);
    child.on("exit", () => {
      clearInterval(timer);
      reject(new Error(`child exited before being killed: ${stderr}`));
    });
  }).catch((e) => {
    throw e;
  });
  expect(await exited).toBe("SIGKILL");

  const os = await openLmos({ home, env: {} });
  try {
    const agent = await os.agents.get("crash");
    const messages = await agent.messages({ order: "asc", limit: 10_000 });
    const state = await agent.state();
    // every tool call has its result, and every result its call
    const calls = messages.flatMap((m) => m.toolCalls.map((c) => c.id));
    const results = messages.filter((m) => m.role === "tool").map((m) => m.toolCallId);
    expect(results).toEqual(calls);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    // every step's messages are there: assistant, tool result, heartbeat — and one passage per step
    const byStep = new Map<string, string[]>();
    for (const m of messages) if (m.stepId) byStep.set(m.stepId, [...(byStep.get(m.stepId) ?? []), m.role]);
    for (const roles of byStep.values()) expect(roles).toEqual(["assistant", "tool", "user"]);
    // the run's input was stored before the first model call
    expect(messages[0].role).toBe("user");
    expect(JSON.stringify(messages[0].content)).toContain("Save notes forever.");
    const runId = messages[0].runId as string;
    const steps = await os.store.listSteps(runId);
    expect(steps.map((s) => s.id).sort()).toEqual([...byStep.keys()].sort());
    expect(await os.store.countPassages({ agentId: agent.id })).toBe(steps.length);
    // the context window lists exactly the stored messages
    expect(state.record.inContextMessageIds).toEqual(messages.map((m) => m.id));
    // and the agent runs again
    model.push({ toolCalls: [{ name: "send_message", arguments: { message: "recovered" } }] });
    await os.close();
    const again = await openLmos({ home, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" } });
    try {
      const run = await (await again.agents.get("crash")).send("still there?");
      expect(run.reply).toBe("recovered");
    } finally {
      await again.close();
    }
  } finally {
    await os.close();
  }
});

it("keeps the user's input when the process dies during the first model call", async () => {
  model = await startScriptedModel({ fallback: () => ({ content: "too late", delayMs: 30_000 }) });
  home = mkdtempSync(join(tmpdir(), "lmos-crash-"));
  const child = spawn(process.execPath, ["--import", "tsx", "test/crash-child.ts"], {
    cwd: join(import.meta.dirname, ".."),
    env: { ...process.env, LMOS_HOME: home, OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, sig) => resolve(sig)));
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (model.chatRequests().length >= 1) {
        clearInterval(timer);
        child.kill("SIGKILL");
        resolve();
      }
    }, 5);
  });
  expect(await exited).toBe("SIGKILL");
  const os = await openLmos({ home, env: {} });
  try {
    const messages = await (await os.agents.get("crash")).messages({ order: "asc" });
    expect(messages.map((m) => m.role)).toEqual(["user"]);
    expect(JSON.stringify(messages[0].content)).toContain("Save notes forever.");
  } finally {
    await os.close();
  }
});
