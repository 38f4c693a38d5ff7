// PostgreSQL restarted under load: two `lmos serve` replicas on a PostgreSQL this test may stop (a private
// cluster, or a proxy to the shared server that drops and refuses every connection where no private
// cluster can start: test/private-postgres.ts), sends to six agents through both, then a fast shutdown and
// a start. Meanwhile every send is answered (200, or 503 with a code saying to try again: never a dropped
// connection or a bare 500); after it, the replicas serve again by themselves (no restart), no run is left
// running, and the state is whole.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPostgresStore } from "../src/store/index.ts";
import { dropSchema, freshSchema } from "../src/store/postgres/test-database.testkit.ts";
import { childEnv } from "./cli-harness.ts";
import { type StoppablePostgres, stoppablePostgres } from "./private-postgres.ts";
import {
  createAgents,
  editThenAnswer,
  expectWhole,
  Load,
  type Replica,
  startReplica,
  stopReplica,
} from "./replica-harness.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

let pg: StoppablePostgres;
let model: ScriptedModel;
const schema = freshSchema();
beforeAll(async () => {
  pg = await stoppablePostgres();
  console.log(`postgres-restart: on a ${pg.kind}`);
  model = await startScriptedModel({ fallback: editThenAnswer });
}, 180_000);
// the replicas' own home (their server registry), not the user's ~/.lmos
const home = mkdtempSync(join(tmpdir(), "lmos-replicas-"));
afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
  await model?.close();
  await pg?.destroy();
  if (pg?.kind !== "private cluster") await dropSchema(schema);
});

it("PostgreSQL restarted mid-load: clear retryable errors, then the replicas serve again, state whole", {
  timeout: 240_000,
}, async () => {
  const url = `${pg.url}?schema=${schema}`;
  const env = childEnv({
    LMOS_DATABASE_URL: url,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_HOME: home,
    LMOS_MAX_RETRIES: "0",
    LMOS_LEASE_TTL_MS: "10000",
    LMOS_RUN_SWEEP_MS: "250",
  });
  let a: Replica | undefined;
  let b: Replica | undefined;
  const load = new Load();
  const logs = () => `${a?.output().slice(-4000)}\n${b?.output().slice(-4000)}`;
  try {
    a = await startReplica(env, false);
    b = await startReplica(env, false);
    const agents = await createAgents(a.url, 6, "restart");
    load.start({ a: a.url, b: b.url }, agents);
    await eventually(
      async () => load.acknowledged("a").length >= 4 && load.acknowledged("b").length >= 4,
      90_000,
    );

    const before = load.outcomes.length;
    await pg.stop();
    // Down until the clients have met the outage (bounded: the stop itself already cut every session).
    await eventually(async () => load.outcomes.slice(before).some((o) => o.status !== 200), 30_000).catch(
      () => {},
    );
    await pg.start();
    const restartedAt = load.outcomes.length;
    // Back by itself: every client gets answers again, through both replicas.
    await eventually(async () => {
      const acked = load.acknowledged().filter((o) => load.outcomes.indexOf(o) >= restartedAt);
      return agents.every((id) =>
        ["a", "b"].every((r) => acked.some((o) => o.agentId === id && o.replica === r)),
      );
    }, 120_000).catch((e: Error) => {
      throw new Error(`${e.message}; after the restart:\n${load.summary(restartedAt)}\n${logs()}`);
    });
    await load.stop();

    const refused = load.outcomes.filter((o) => o.status !== 200);
    expect(refused.length).toBeGreaterThan(0); // the outage was seen
    // Refused before anything was stored: "try again"; cut mid-run: the run stopped, the message kept.
    for (const o of refused) {
      expect(o.status, `${JSON.stringify(o)}\n${o.status === 500 ? logs() : ""}`).toBe(503);
      expect(o.body, JSON.stringify(o)).toMatchObject({ code: "unavailable" });
      expect((o.body as { message: string }).message).toMatch(/try again|stopped there/);
    }
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();

    const store = await openPostgresStore(url);
    try {
      await eventually(async () => {
        const runs = await store.listRuns({ agentIds: agents, statuses: ["created", "running"] });
        return runs.length === 0;
      }, 60_000);
      await expectWhole(store, agents, load.acknowledged());
    } finally {
      await store.close();
    }
  } finally {
    await load.stop();
    await stopReplica(a);
    await stopReplica(b);
  }
});
