// Two `lmos serve` on one LMOS_HOME, plus `lmos send` / `lmos chat` on the local store while they serve,
// all sending to ONE agent at once: the agent's lease in the database serialises its runs across the
// processes, so every core-memory edit is kept, no two runs of it overlap, and each reply sits right
// after its user message. Real child processes, a real SQLite file, the scripted model over HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { childEnv, runLmos, startLmosServe } from "./cli-harness.ts";
import {
  type RecordedRequest,
  type ScriptedModel,
  type ScriptedReplyObject,
  startScriptedModel,
} from "./scripted-model.ts";

let model: ScriptedModel | undefined;
const home = mkdtempSync(join(tmpdir(), "lmos-two-processes-"));
const servers: Array<Awaited<ReturnType<typeof startLmosServe>>> = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill("SIGTERM");
  await Promise.all(servers.map((s) => s.exited));
  await model?.close();
  rmSync(home, { recursive: true, force: true });
});

/** "note: X" → append X to the human block (after a little latency, so runs would overlap), then reply. */
function noteModel(req: RecordedRequest): ScriptedReplyObject {
  const last = req.messages.at(-1);
  const asked = req.messages.findLast((m) => m.role === "user" && m.content.startsWith("note: "));
  const note = /^note: (.+)$/.exec(asked?.content ?? "");
  if (note && last === asked) {
    return {
      toolCalls: [
        {
          name: "core_memory_append",
          arguments: { label: "human", content: note[1], request_heartbeat: true },
        },
      ],
      delayMs: 5 + (note[1].length % 5) * 4,
    };
  }
  return { toolCalls: [{ name: "send_message", arguments: { message: `saved ${note?.[1] ?? "?"}` } }] };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

it("serialises one agent's runs across two servers and the local CLI", async () => {
  model = await startScriptedModel({ fallback: noteModel });
  const env = childEnv({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
  });
  servers.push(await startLmosServe(env), await startLmosServe(env));
  // The second server says, in one line, that the first one already serves this home (pid and URL).
  const notice = servers[1]
    .output()
    .split("\n")
    .filter((l) => l.includes("already serves"));
  expect(notice).toEqual([expect.stringContaining(`(pid ${servers[0].child.pid}, ${servers[0].url})`)]);
  expect(servers[0].output()).not.toContain("already serves");
  const agent = (
    await post(`${servers[0].url}/v1/agents/`, {
      name: "shared",
      memory_blocks: [{ label: "human", value: "Facts:" }],
    })
  ).json;

  const facts: string[] = [];
  const sends = Array.from({ length: 20 }, async (_, i) => {
    const fact = `server fact ${i}`;
    const r = await post(`${servers[i % 2].url}/v1/agents/${agent.id}/messages`, {
      messages: [{ role: "user", content: `note: ${fact}` }],
    });
    expect(r.status).toBe(200);
    const replies = r.json.messages.filter((m: any) => m.message_type === "assistant_message");
    expect(replies.map((m: any) => m.content)).toEqual([`saved ${fact}`]);
    facts.push(fact);
  });
  const local = [0, 1].map(async (i) => {
    const fact = `cli fact ${i}`;
    const r = await runLmos(["send", "shared", `note: ${fact}`], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`saved ${fact}`);
    facts.push(fact);
  });
  const chat = (async () => {
    const r = await runLmos(["chat", "shared"], env, "note: chat fact\n/exit\n");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("saved chat fact");
    facts.push("chat fact");
  })();
  await Promise.all([...sends, ...local, chat]);
  expect(facts).toHaveLength(23);

  const os = await openLmos({ home, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" } });
  try {
    const handle = await os.agents.get(agent.id);
    // every acknowledged core-memory edit is there
    const human = (await handle.memory.get("human")).value.split("\n");
    expect(human[0]).toBe("Facts:");
    expect(human.slice(1).sort()).toEqual([...facts].sort());

    // no two runs of the agent overlapped, whichever process ran them
    const runs = (await os.runs.list({ agentIds: [agent.id], order: "asc", limit: 100 })).filter(
      (r) => r.status !== "created",
    );
    expect(runs).toHaveLength(23);
    expect(runs.every((r) => r.status === "completed")).toBe(true);
    for (let i = 1; i < runs.length; i++) {
      expect(Date.parse(runs[i - 1].completedAt ?? "")).toBeLessThanOrEqual(Date.parse(runs[i].createdAt));
    }

    // each run's messages are contiguous, input first: replies sit next to their user messages, in the
    // store and in the context window alike
    const messages = await handle.messages({ limit: 1000, order: "asc" });
    const order = messages.map((m) => m.runId);
    const seen = new Set<string | null>();
    for (let i = 0; i < order.length; i++) {
      if (i > 0 && order[i] === order[i - 1]) continue;
      expect(seen.has(order[i]), `run ${order[i]} split`).toBe(false);
      seen.add(order[i]);
      expect(messages[i].role).toBe("user");
    }
    expect((await handle.state()).record.inContextMessageIds).toEqual(messages.map((m) => m.id));
  } finally {
    await os.close();
  }
}, 120_000);
