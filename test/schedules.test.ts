// Scheduled wake-ups: fired by an open library instance and by `lmos serve` (through the Letta client's
// agents.schedule), each firing a run whose input is a heartbeat; a schedule missed while nothing ran
// fires once at the next start.
import Letta from "@letta-ai/letta-client";
import { afterEach, describe, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { type CoreFixture, openFixture, textOf } from "./core-fixture.ts";
import { eventually, openServerFixture, type ServerFixture } from "./server-fixture.ts";

const FAST = { LMOS_SCHEDULER_TICK_MS: "50", LMOS_JOB_POLL_MS: "50" };

let fx: CoreFixture | ServerFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe("schedules in the library", () => {
  it("fires a one-time schedule as a heartbeat run carrying its messages, then never again", async () => {
    fx = await openFixture({ env: FAST });
    const agent = await fx.os.agents.create({ name: "early-bird" });
    const s = await agent.schedules.create({
      at: Date.now() + 200,
      reason: "morning check-in",
      messages: [{ role: "user", content: "Any news today?" }],
    });
    expect(s).toMatchObject({ agentId: agent.id, spec: { type: "one-time" } });
    const [run] = await eventually(async () => {
      const runs = await fx!.os.runs.list({ agentIds: [agent.id], statuses: ["completed"] });
      return runs.length ? runs : null;
    });
    expect(run.chain).toMatchObject({ kind: "schedule", depth: 0, id: run.id, origin: s.id });
    const [heartbeat, message] = await fx.os.runs.messages(run.id);
    expect(heartbeat.kind).toBe("wakeup");
    expect(JSON.parse(textOf(heartbeat))).toMatchObject({ type: "heartbeat" });
    expect(textOf(heartbeat)).toContain("morning check-in");
    expect(textOf(message)).toBe("Any news today?");
    expect(await agent.schedules.get(s.id)).toMatchObject({ nextRunAt: null, lastFiredAt: s.nextRunAt });
    await fx.os.scheduler.tick();
    await fx.os.jobs.settled();
    expect(await fx.os.runs.list({ agentIds: [agent.id] })).toHaveLength(1);
  });

  it("fires a cron schedule again and again, and stops once it is deleted", async () => {
    fx = await openFixture({ env: FAST });
    const agent = await fx.os.agents.create({ name: "ticker" });
    const s = await agent.schedules.create({ cron: "* * * * * *", reason: "every second" });
    await eventually(async () => (await fx!.os.runs.list({ agentIds: [agent.id] })).length >= 2, 15_000);
    await agent.schedules.delete(s.id);
    await fx.os.jobs.settled();
    const count = (await fx.os.runs.list({ agentIds: [agent.id] })).length;
    await fx.os.scheduler.tick();
    await fx.os.jobs.settled();
    expect(await fx.os.runs.list({ agentIds: [agent.id] })).toHaveLength(count);
    await expect(agent.schedules.get(s.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("rejects a schedule with a broken cron expression, an unknown time zone, or both kinds", async () => {
    fx = await openFixture({ env: FAST });
    const agent = await fx.os.agents.create({ name: "picky" });
    for (const bad of [
      { cron: "every tuesday" },
      { cron: "0 9 * * *", timezone: "Mars/Olympus" },
      { cron: "* * * * *", at: 5 },
      {},
    ]) {
      await expect(agent.schedules.create(bad)).rejects.toMatchObject({ code: "invalid_argument" });
    }
    expect(await agent.schedules.list()).toEqual([]);
  });

  it("fires a schedule missed while nothing ran once at the next start, then moves it past now", async () => {
    fx = await openFixture({ env: FAST });
    const quiet = await openLmos({ home: fx.home, env: fx.env, background: false });
    const agent = await quiet.agents.create({ name: "sleeper" });
    // Yearly on 1 January: due three years ago, so three firings were missed.
    const s = await agent.schedules.create({ cron: "0 0 1 1 *" });
    const due = new Date(Date.UTC(new Date().getUTCFullYear() - 3, 0, 1)).toISOString();
    await quiet.store.deleteSchedule(s.id);
    await quiet.store.createSchedule({ ...s, nextRunAt: due });
    await quiet.close();
    await fx.os.scheduler.tick();
    await fx.os.jobs.settled();
    const runs = await fx.os.runs.list({ agentIds: [agent.id] });
    expect(runs).toHaveLength(1);
    const after = await (await fx.os.agents.get(agent.id)).schedules.get(s.id);
    expect(after.lastFiredAt).toBe(due);
    expect(Date.parse(after.nextRunAt ?? "")).toBeGreaterThan(Date.now());
  });
});

describe("schedules in lmos serve", () => {
  it("creates, lists, fires and deletes scheduled messages through the Letta client", async () => {
    const sfx = await openServerFixture({ env: FAST });
    fx = sfx;
    const client = new Letta({ baseURL: sfx.url, apiKey: "unused", maxRetries: 0 });
    const agent = await client.agents.create({ name: "served", model: "openai/gpt-4o-mini" });
    const made = await client.agents.schedule.create(agent.id, {
      schedule: { type: "one-time", scheduled_at: Date.now() + 100 },
      messages: [{ role: "user", content: "Generate your daily summary report" }],
    });
    const later = await client.agents.schedule.create(agent.id, {
      schedule: { type: "recurring", cron_expression: "0 9 * * 1" },
      messages: [{ role: "user", content: "Weekly planning" }],
    });
    expect(made.id).toMatch(/^scheduled_message-/);
    const listed = await client.agents.schedule.list(agent.id);
    expect(listed.scheduled_messages.map((m) => m.id)).toEqual([made.id, later.id]);
    expect(listed.scheduled_messages[1]).toMatchObject({
      schedule: { type: "recurring", cron_expression: "0 9 * * 1" },
      message: { messages: [{ role: "user", content: "Weekly planning" }] },
    });
    const run = await eventually(async () => {
      const runs = await client.runs.list({ agent_id: agent.id, statuses: ["completed"] });
      return runs.items[0];
    });
    expect(run.metadata).toMatchObject({ run_type: "scheduled_message", origin_id: made.id });
    const stored = await client.runs.messages.list(run.id, { order: "asc" });
    const texts = stored.items.map((m) => ("content" in m ? JSON.stringify(m.content) : ""));
    expect(texts.some((t) => t.includes("heartbeat"))).toBe(true);
    expect(texts.some((t) => t.includes("Generate your daily summary report"))).toBe(true);
    expect(
      (await client.agents.schedule.retrieve(made.id, { agent_id: agent.id })).next_scheduled_time,
    ).toBeNull();
    expect(await client.agents.schedule.delete(later.id, { agent_id: agent.id })).toEqual({ success: true });
    await expect(client.agents.schedule.retrieve(later.id, { agent_id: agent.id })).rejects.toMatchObject({
      status: 404,
    });
    const bad = await sfx.call("POST", `/v1/agents/${agent.id}/schedule`, {
      schedule: { type: "recurring", cron_expression: "61 * * * *" },
      messages: [{ role: "user", content: "x" }],
    });
    expect(bad.status).toBe(422);
  });
});
