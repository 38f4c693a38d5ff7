// Two `lmos serve` replicas (real child processes) on one PostgreSQL schema, as a user scales out: 20 agents
// made through one replica are served by both; concurrent sends to the same agents through both replicas
// store every message once, each client's messages in the order it sent them, every run's messages
// together (one run per agent at a time across replicas) and one step per run.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPostgresStore } from "../src/store/index.ts";
import {
  assertReachable,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from "../src/store/postgres/test-database.testkit.ts";
import { childEnv, startLmosServe } from "./cli-harness.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel } from "./scripted-model.ts";

const AGENTS = 20;
const SENDS_PER_CLIENT = 3;
const schema = freshSchema();
let model: ScriptedModel;
beforeAll(async () => {
  await assertReachable();
  model = await startScriptedModel({ fallback: () => sendMessageReply("noted") });
});
afterAll(async () => {
  await model?.close();
  await dropSchema(schema);
});

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

it("two replicas on one database: every message once, in order, one run at a time per agent", {
  timeout: 240_000,
}, async () => {
  const env = childEnv({
    LMOS_DATABASE_URL: `${TEST_DATABASE_URL}?schema=${schema}`,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_MAX_RETRIES: "0",
  });
  const a = await startLmosServe(env);
  const b = await startLmosServe(env);
  try {
    const ids: string[] = [];
    for (let i = 0; i < AGENTS; i++)
      ids.push((await post(a.url, "/v1/agents", { name: `replica-${i}` })).id as string);
    // Per agent, one client per replica, each sending its messages one after another.
    const client = async (url: string, agentId: string, tag: string) => {
      for (let k = 0; k < SENDS_PER_CLIENT; k++) {
        const reply = await post(url, `/v1/agents/${agentId}/messages`, {
          messages: [{ role: "user", content: `${tag} ${k}` }],
        });
        expect((reply.stop_reason as { stop_reason: string }).stop_reason).toBe("end_turn");
      }
    };
    await Promise.all(ids.flatMap((id) => [client(a.url, id, "via-a"), client(b.url, id, "via-b")]));

    const store = await openPostgresStore(env.LMOS_DATABASE_URL);
    try {
      for (const id of ids) {
        const messages = await store.listMessages(id, {});
        const texts = messages
          .filter((m) => m.role === "user")
          .map((m) => m.content.map((c) => ("text" in c ? c.text : "")).join(""));
        for (const tag of ["via-a", "via-b"]) {
          expect(texts.filter((t) => t.startsWith(tag))).toEqual(
            Array.from({ length: SENDS_PER_CLIENT }, (_, k) => `${tag} ${k}`),
          );
        }
        expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
        // A run's messages are contiguous: no other run of the agent ran in between.
        const order = messages.map((m) => m.runId);
        const seen = new Set<string | null>();
        order.forEach((r, i) => {
          if (i > 0 && r !== order[i - 1]) {
            expect(seen.has(r)).toBe(false);
            seen.add(order[i - 1]);
          }
        });
        const runs = await store.listRuns({ agentIds: [id] });
        expect(runs).toHaveLength(2 * SENDS_PER_CLIENT);
        expect(runs.every((r) => r.status === "completed")).toBe(true);
        for (const r of runs) expect(await store.listSteps(r.id)).toHaveLength(1);
      }
    } finally {
      await store.close();
    }
  } finally {
    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    await Promise.all([a.exited, b.exited]);
  }
});
