// Runs as a user meets them: provider failures, cancellation, per-agent serialisation, no provider.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AgentEvent, LmosError, openLmos } from "../src/index.ts";
import { type CoreFixture, openFixture } from "./core-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

let fx: CoreFixture;
beforeEach(async () => {
  fx = await openFixture({ env: { LMOS_MAX_RETRIES: "1" } });
});
afterEach(async () => {
  await fx.close();
});

describe("provider failures", () => {
  it("retries a 500 and succeeds", async () => {
    const agent = await fx.os.agents.create({ name: "flaky" });
    fx.model.push({ status: 500 }, sendMessageReply("made it"));
    const run = await agent.send("hi");
    expect(run.stopReason).toBe("end_turn");
    expect(run.reply).toBe("made it");
    expect(fx.model.chatRequests()).toHaveLength(2);
  });

  it("ends with llm_api_error after the retries, keeping the input and committing no step", async () => {
    const agent = await fx.os.agents.create({ name: "down" });
    fx.model.push({ status: 500 }, { status: 500 });
    const run = await agent.send("are you there?");
    expect(run.stopReason).toBe("llm_api_error");
    expect(run.error?.code).toMatch(/provider_/);
    expect(run.events.map((e) => e.type)).toContain("run-error");
    const stored = await agent.messages();
    expect(stored.map((m) => m.role)).toEqual(["user"]);
    expect((await fx.os.store.getRun(run.runId))?.status).toBe("failed");
    expect(await fx.os.store.listSteps(run.runId)).toEqual([]);
    // the agent works again once the provider does
    fx.model.push(sendMessageReply("back"));
    expect((await agent.send("again")).reply).toBe("back");
  });
});

describe("cancellation", () => {
  it("cancels mid-run: the in-flight step is dropped and the state stays whole", async () => {
    const agent = await fx.os.agents.create({ name: "cancel" });
    fx.model.push(toolCallReply("archival_memory_insert", { content: "first", request_heartbeat: true }), {
      ...sendMessageReply("too late"),
      delayMs: 5_000,
    });
    const events: AgentEvent[] = [];
    const done = (async () => {
      for await (const e of agent.stream("go")) {
        events.push(e);
        if (e.type === "step-start" && e.stepIndex === 1) {
          // cancel while the model request is in flight
          while (fx.model.chatRequests().length < 2) await new Promise((r) => setTimeout(r, 5));
          await agent.cancel();
        }
      }
    })();
    await done;
    const finish = events.at(-1);
    expect(finish).toMatchObject({ type: "run-end", stopReason: "cancelled" });
    const runId = events[0].runId;
    expect((await fx.os.store.getRun(runId))?.status).toBe("cancelled");
    expect(await fx.os.store.listSteps(runId)).toHaveLength(1);
    const state = await agent.state();
    const stored = await agent.messages({ order: "asc" });
    expect(state.record.inContextMessageIds).toEqual(stored.map((m) => m.id));
    const calls = stored.flatMap((m) => m.toolCalls.map((c) => c.id));
    expect(stored.filter((m) => m.role === "tool").map((m) => m.toolCallId)).toEqual(calls);
    expect(stored.some((m) => JSON.stringify(m.toolCalls).includes("too late"))).toBe(false);
    fx.model.push(sendMessageReply("still here"));
    expect((await agent.send("hello?")).reply).toBe("still here");
  });

  it("cancel() with nothing running returns false", async () => {
    const agent = await fx.os.agents.create({ name: "idle" });
    expect(await agent.cancel()).toBe(false);
  });
});

describe("serialisation", () => {
  it("runs two sends to one agent one after the other, and two agents at once", async () => {
    const a = await fx.os.agents.create({ name: "a" });
    const b = await fx.os.agents.create({ name: "b" });
    fx.model.push(
      (req) => ({ ...sendMessageReply(`re: ${req.lastUserText}`), delayMs: 300 }),
      (req) => ({ ...sendMessageReply(`re: ${req.lastUserText}`), delayMs: 300 }),
      (req) => ({ ...sendMessageReply(`re: ${req.lastUserText}`), delayMs: 300 }),
    );
    const [r1, r2, r3] = await Promise.all([a.send("one"), a.send("two"), b.send("three")]);
    expect([r1.reply, r2.reply, r3.reply]).toEqual(["re: one", "re: two", "re: three"]);
    // a2's request only reached the model after a1 finished; b1 ran beside a1.
    const requests = fx.model.chatRequests().map((r) => r.lastUserText);
    expect(requests.indexOf("two")).toBeGreaterThan(requests.indexOf("one"));
    expect(requests.slice(0, 2).sort()).toEqual(["one", "three"]);
    // a2 saw a1's whole exchange in its context
    const a2Request = fx.model.chatRequests().find((r) => r.lastUserText === "two");
    expect(JSON.stringify(a2Request?.messages)).toContain("re: one");
  });
});

describe("no provider", () => {
  it("opens without a provider and fails a send with an actionable no_provider error", async () => {
    const home = mkdtempSync(join(tmpdir(), "lmos-noprov-"));
    const os = await openLmos({ home, env: {} });
    try {
      const agent = await os.agents.create({ name: "lonely" });
      const err = await agent.send("hi").catch((e: unknown) => e);
      expect(LmosError.is(err)).toBe(true);
      expect((err as LmosError).code).toBe("no_provider");
      expect((err as LmosError).message).toMatch(/OPENAI_API_KEY/);
      expect(await agent.messages()).toEqual([]);
    } finally {
      await os.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses a database URL it cannot open, saying what it takes", async () => {
    const err = await openLmos({ env: { LMOS_DATABASE_URL: "mysql://localhost/x" } }).catch((e) => e);
    expect(err).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/postgres:\/\//) });
  });
});
