// `lmos serve` killed (SIGKILL) while many agents' sends are in flight: every send the server answered is
// on disk afterwards, whole — its input and the reply it returned — and every agent's window points only at
// stored messages. This is what group commit (many agents' commits in one transaction) must not break:
// nothing is acknowledged before its batch is durable.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { childEnv, startLmosServe } from "./cli-harness.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { echoReply } from "./scripted-model-server.ts";

let model: ScriptedModel | undefined;
const home = mkdtempSync(join(tmpdir(), "lmos-server-crash-"));
afterAll(async () => {
  await model?.close();
  rmSync(home, { recursive: true, force: true });
});

interface Acked {
  agentId: string;
  input: string;
  replyIds: string[];
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

it("keeps every answered send of a server killed under load", async () => {
  // a little model latency, so that sends of many agents are in flight (and batched) at the kill
  model = await startScriptedModel({
    fallback: (req) => ({ ...echoReply(req, "send_message"), delayMs: 3 }),
  });
  const server = await startLmosServe(
    childEnv({
      LMOS_HOME: home,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test",
      LMOS_MODEL: "openai/gpt-4o-mini",
      LMOS_EMBEDDING: "none",
    }),
  );
  const agents: string[] = [];
  for (let i = 0; i < 8; i++)
    agents.push((await post(`${server.url}/v1/agents/`, { name: `load-${i}` })).json.id);

  const acked: Acked[] = [];
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (!killed) {
      const i = next++;
      const agentId = agents[i % agents.length] as string;
      const input = `send number ${i}`;
      try {
        const r = await post(`${server.url}/v1/agents/${agentId}/messages`, { input });
        if (r.status === 200) {
          const replyIds = (r.json.messages as Array<{ id: string }>).map((m) => m.id);
          acked.push({ agentId, input, replyIds });
          // killed right as an answer arrives: the freshest acknowledged write is the one most at risk
          if (acked.length >= 150 && !killed) {
            killed = true;
            server.child.kill("SIGKILL");
          }
        }
      } catch {
        // the connection died with the server: not acknowledged, nothing to check
      }
    }
  };
  const workers = Array.from({ length: 24 }, worker);
  await Promise.all(workers);
  await server.exited;

  const os = await openLmos({ home, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" } });
  try {
    for (const agentId of agents) {
      const stored = await (await os.agents.get(agentId)).messages({ limit: 10_000 });
      const ids = new Set(stored.map((m) => m.id));
      const texts = new Set(stored.flatMap((m) => m.content.map((c) => ("text" in c ? c.text : ""))));
      for (const a of acked.filter((x) => x.agentId === agentId)) {
        expect(texts.has(a.input), `input "${a.input}" of an answered send`).toBe(true);
        for (const id of a.replyIds) expect(ids.has(id), `message ${id} of an answered send`).toBe(true);
      }
      const window = (await (await os.agents.get(agentId)).state()).record.inContextMessageIds;
      for (const id of window) expect(ids.has(id), `in-context ${id}`).toBe(true);
    }
  } finally {
    await os.close();
  }
}, 120_000);
