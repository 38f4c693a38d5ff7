// A replica SIGKILLed mid-run, as when its machine dies: two `lmos serve` on one PostgreSQL schema under
// load, the doomed one in a pid namespace of its own (so the survivor cannot see its pid is gone and must
// go by its lease and its heartbeat, as across machines), killed while the model's reply to one of its runs
// is held open. The survivor takes that agent over once the lease lapses, the heartbeat sweep marks the
// killed runs failed, the state is whole, and the agent answers the next send through the survivor.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPostgresStore } from "../src/store/index.ts";
import {
  assertReachable,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from "../src/store/postgres/test-database.testkit.ts";
import { childEnv } from "./cli-harness.ts";
import {
  canUnsharePid,
  createAgents,
  editThenAnswer,
  expectWhole,
  Load,
  post,
  type Replica,
  startReplica,
  stopReplica,
} from "./replica-harness.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

// Long enough that a replica stalled by a loaded machine still renews in time (a lapse would hand its
// agent to the other replica mid-run: correct, but a refused send here).
const LEASE_TTL_MS = 8_000;
const schema = freshSchema();
let model: ScriptedModel;
beforeAll(async () => {
  await assertReachable();
  model = await startScriptedModel({ fallback: editThenAnswer });
});
// the replicas' own home (their server registry), not the user's ~/.lmos
const home = mkdtempSync(join(tmpdir(), "lmos-replicas-"));
afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
  await model?.close();
  await dropSchema(schema);
});

it("SIGKILL of one replica mid-run: the other takes the agent over after the lease, state whole", {
  timeout: 180_000,
}, async () => {
  const env = childEnv({
    LMOS_DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schema}`,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_HOME: home,
    LMOS_MAX_RETRIES: "0",
    LMOS_LEASE_TTL_MS: String(LEASE_TTL_MS),
    LMOS_RUN_SWEEP_MS: "250",
  });
  // Without a pid namespace (not root) the doomed replica is a plain child: the survivor then sees its pid
  // gone and takes over at once (the same-machine path) instead of after the lease.
  const otherMachine = canUnsharePid();
  let survivor: Replica | undefined;
  let doomed: Replica | undefined;
  const load = new Load();
  try {
    survivor = await startReplica(env, false);
    doomed = await startReplica(env, otherMachine);
    const agents = await createAgents(survivor.url, 6, "kill");
    const [victim, ...others] = agents;
    load.start({ s: survivor.url, d: doomed.url }, others, true);
    await eventually(
      async () => load.acknowledged("s").length >= 4 && load.acknowledged("d").length >= 4,
      90_000,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}: ${JSON.stringify(load.outcomes.slice(-4).map((o) => [o.tag, o.status]))}`,
      );
    });

    // A run of the victim on the doomed replica, its model reply held open; then a send to the same
    // agent through the survivor, which must wait for that run's lease.
    const held = post(doomed.url, `/v1/agents/${victim}/messages`, {
      messages: [{ role: "user", content: "hold this" }],
    }).catch((e: unknown) => ({ status: "no answer", body: String(e) }));
    await eventually(async () => model.chatRequests().some((r) => r.lastUserText === "hold this"), 60_000);
    const after = post(survivor.url, `/v1/agents/${victim}/messages`, {
      messages: [{ role: "user", content: "after the kill" }],
    });
    const killedAt = Date.now();
    process.kill(doomed.pid, "SIGKILL");
    await doomed.exited;
    expect((await held).status).toBe("no answer");

    const taken = await after;
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body.stop_reason.stop_reason).toBe("end_turn");
    // Across machines only the lapse of the lease frees the agent (a clock of the database, not ours:
    // allow a little skew).
    if (otherMachine) expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_TTL_MS - 500);

    const store = await openPostgresStore(env.LMOS_DATABASE_URL);
    try {
      // The survivor's sweep fails the killed replica's runs once its heartbeat is stale.
      const heldRun = await eventually(async () => {
        const runs = await store.listRuns({ agentIds: [victim], limit: 1000 });
        const run = runs.find((r) => r.status === "failed");
        return run && runs.every((r) => r.status !== "running" && r.status !== "created") ? run : null;
      }, 90_000);
      expect(heldRun.stopReason).toBe("error");
      expect(
        (await store.listRunMessages(heldRun.id, {})).map((m) =>
          m.content.map((c) => ("text" in c ? c.text : "")).join(""),
        ),
      ).toEqual(["hold this"]);

      const next = await post(survivor.url, `/v1/agents/${victim}/messages`, {
        messages: [{ role: "user", content: "still there?" }],
      });
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      expect(next.body.stop_reason.stop_reason).toBe("end_turn");

      await load.stop();
      // Every send through the survivor was answered; the doomed replica's ended at its death.
      expect(load.outcomes.filter((o) => o.replica === "s" && o.status !== 200)).toEqual([]);
      const acknowledged = [
        ...load.acknowledged(),
        { replica: "s", agentId: victim, tag: "after the kill", status: 200, body: null },
        { replica: "s", agentId: victim, tag: "still there?", status: 200, body: null },
      ];
      await eventually(async () => {
        const runs = await store.listRuns({ agentIds: agents, statuses: ["created", "running"] });
        return runs.length === 0;
      }, 90_000);
      await expectWhole(store, agents, acknowledged);
    } finally {
      await store.close();
    }
  } finally {
    await load.stop();
    await stopReplica(doomed);
    await stopReplica(survivor);
  }
});
