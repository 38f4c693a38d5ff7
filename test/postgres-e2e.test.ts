// lmos on PostgreSQL as a user meets it: LMOS_DATABASE_URL selects the store, an agent chains tool calls
// (memory edit, archival insert and search) over the scripted model through the production driver and the
// HTTP server, and everything is there after lmos is closed and opened again on the same database.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import {
  assertReachable,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from "../src/store/postgres/test-database.testkit.ts";
import { openServerFixture } from "./server-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

const schema = freshSchema();
const url = `${TEST_DATABASE_URL}?schema=${schema}`;
beforeAll(assertReachable);
afterAll(() => dropSchema(schema));

it("runs an agent on PostgreSQL through the server, and keeps it all across a restart", async () => {
  const fx = await openServerFixture({ env: { LMOS_DATABASE_URL: url } });
  let agentId: string;
  try {
    expect(fx.os.store.kind).toBe("postgres");
    expect(fx.os.config).toMatchObject({ databasePath: null, databaseUrl: url });
    const agent = await fx.os.agents.create({ name: "pg-agent" });
    agentId = agent.id;
    fx.model.push(
      toolCallReply("core_memory_append", { label: "human", content: "Name: Ada.", request_heartbeat: true }),
      toolCallReply("archival_memory_insert", {
        content: "Ada's cat is called Turing",
        request_heartbeat: true,
      }),
      toolCallReply("archival_memory_search", { query: "cat", request_heartbeat: true }),
      sendMessageReply("Noted."),
    );
    const res = await fx.call("POST", `/v1/agents/${agent.id}/messages`, {
      messages: [{ role: "user", content: "I'm Ada; my cat is Turing." }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stop_reason: { stop_reason: string } };
    expect(body.stop_reason.stop_reason).toBe("end_turn");
    const searchResult = fx.model.chatRequests()[3].messages.at(-2);
    expect(JSON.stringify(searchResult)).toContain("Turing");
    expect(fx.model.lastSystemPrompt()).toContain("Name: Ada.");
  } finally {
    await fx.close();
  }

  const again = await openLmos({ env: { LMOS_DATABASE_URL: url } });
  try {
    const agent = await again.agents.get("pg-agent");
    expect(agent.id).toBe(agentId);
    expect((await agent.memory.get("human")).value).toContain("Name: Ada.");
    const messages = await agent.messages();
    expect(messages[0]).toMatchObject({ role: "user" });
    expect(messages.filter((m) => m.role === "assistant")).toHaveLength(4);
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    const runs = await again.store.listRuns({ agentIds: [agentId] });
    expect(runs.map((r) => r.status)).toEqual(["completed"]);
    expect(await again.store.listSteps(runs[0].id)).toHaveLength(4);
    expect(await again.store.countPassages({ agentId })).toBe(1);
  } finally {
    await again.close();
  }
});
