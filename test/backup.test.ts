// `lmos backup` while `lmos serve` is under write load: the copy passes SQLite's integrity check, holds
// every send answered before the backup began (its input and reply), and — restored as a home of its own —
// opens and answers the next message. The copy is a point in time: sends answered after it are
// not in it, and nothing of them is half there.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { childEnv, runLmos, startLmosServe } from "./cli-harness.ts";
import { type ScriptedModel, startScriptedModel } from "./scripted-model.ts";
import { echoReply } from "./scripted-model-server.ts";

let model: ScriptedModel | undefined;
const home = mkdtempSync(join(tmpdir(), "lmos-backup-"));
const restored = mkdtempSync(join(tmpdir(), "lmos-restored-"));
afterAll(async () => {
  await model?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(restored, { recursive: true, force: true });
});

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

it("a backup taken under write load restores whole", async () => {
  model = await startScriptedModel({
    fallback: (req) => ({ ...echoReply(req, "send_message"), delayMs: 2 }),
  });
  const env = childEnv({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_EMBEDDING: "none",
  });
  const server = await startLmosServe(env);
  const agents: string[] = [];
  for (let i = 0; i < 4; i++)
    agents.push((await post(`${server.url}/v1/agents/`, { name: `w-${i}` })).json.id);

  const answered: Array<{ agentId: string; input: string; replyIds: string[]; at: number }> = [];
  let stop = false;
  let n = 0;
  const writer = async () => {
    while (!stop) {
      const i = n++;
      const agentId = agents[i % agents.length];
      const input = `entry ${i} about the otter's book`;
      const r = await post(`${server.url}/v1/agents/${agentId}/messages`, { input });
      if (r.status === 200) {
        const replyIds = (r.json.messages as Array<{ id: string }>).map((m) => m.id);
        answered.push({ agentId, input, replyIds, at: performance.now() });
      }
    }
  };
  const writers = Array.from({ length: 6 }, writer);
  try {
    while (answered.length < 40) await new Promise((r) => setTimeout(r, 20));
    const backupAt = performance.now();
    const copy = join(restored, "lmos.db");
    const result = await runLmos(["backup", copy], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const before = answered.filter((a) => a.at < backupAt);
    while (answered.length < before.length + 20) await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await Promise.all(writers);
    expect(before.length).toBeGreaterThanOrEqual(40);

    const db = new Database(copy, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();

    // Restored as a home of its own (a copy of the copy: the test opens it read-write).
    const home2 = join(restored, "home");
    mkdirSync(home2);
    copyFileSync(copy, join(home2, "lmos.db"));
    const os = await openLmos({ home: home2, env: { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "test" } });
    try {
      let inCopy = 0;
      for (const agentId of agents) {
        const agent = await os.agents.get(agentId);
        const stored = await agent.messages({ limit: 10_000 });
        const ids = new Set(stored.map((m) => m.id));
        const texts = new Set(stored.flatMap((m) => m.content.map((c) => ("text" in c ? c.text : ""))));
        for (const a of before.filter((x) => x.agentId === agentId)) {
          expect(texts.has(a.input), `"${a.input}", answered before the backup`).toBe(true);
          for (const id of a.replyIds) expect(ids.has(id)).toBe(true);
        }
        // After the backup's point in time, a send is in the copy whole or not at all.
        for (const a of answered.filter((x) => x.agentId === agentId && x.at >= backupAt)) {
          const has = a.replyIds.map((id) => ids.has(id));
          expect(new Set(has).size, `"${a.input}" half in the copy`).toBeLessThanOrEqual(1);
          if (has[0]) inCopy++;
        }
        for (const id of (await agent.state()).record.inContextMessageIds) expect(ids.has(id)).toBe(true);
      }
      expect(inCopy).toBeLessThan(answered.length - before.length);
      const reply = await (await os.agents.get(agents[1])).send("after the restore");
      expect(reply.stopReason).toBe("end_turn");
      expect(reply.reply).toContain("after the restore");
    } finally {
      await os.close();
    }
  } finally {
    stop = true;
    server.child.kill("SIGTERM");
    await server.exited;
  }
}, 120_000);
