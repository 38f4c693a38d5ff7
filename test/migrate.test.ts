// `lmos migrate` as a user runs it: an installation built through the library goes SQLite → PostgreSQL →
// SQLite with equal checksums at every hop, and the agent on each copy searches and answers the same through
// the scripted model; a migration SIGKILLed mid-copy resumes to the same result; bad arguments and a
// non-empty target give one-line errors.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLmos } from "../src/index.ts";
import { openSqliteStore } from "../src/store/index.ts";
import {
  assertReachable,
  dropSchema,
  freshSchema,
  TEST_DATABASE_URL,
} from "../src/store/postgres/test-database.testkit.ts";
import { childEnv, runLmos } from "./cli-harness.ts";
import { buildingReply, buildInstallation, generateInstallation, modelEnv } from "./fixtures/installation.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel, toolCallReply } from "./scripted-model.ts";

const root = mkdtempSync(join(tmpdir(), "lmos-migrate-"));
const schemas: string[] = [];
let model: ScriptedModel;
beforeAll(async () => {
  await assertReachable();
  model = await startScriptedModel({ fallback: buildingReply });
});
afterAll(async () => {
  await model?.close();
  for (const s of schemas) await dropSchema(s);
  rmSync(root, { recursive: true, force: true });
});

function pgUrl(): string {
  const schema = freshSchema();
  schemas.push(schema);
  return `${TEST_DATABASE_URL}?schema=${schema}`;
}

interface Summary {
  ok: boolean;
  resumed: boolean;
  rowsCopied: number;
  tables: Array<{ table: string; sourceRows: number; targetRows: number; sourceSha256: string; ok: boolean }>;
}

async function migrate(from: string, to: string, ...extra: string[]): Promise<Summary> {
  const r = await runLmos(["migrate", "--from", from, "--to", to, "--json", ...extra], childEnv({}));
  expect(r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Summary;
}

/** Starts `lmos migrate` in small batches and SIGKILLs it once 1,000 messages are in (of 6,000). */
async function killMidway(from: string, to: string): Promise<void> {
  const bin = fileURLToPath(new URL("../bin/lmos.js", import.meta.url));
  const child = spawn(process.execPath, [bin, "migrate", "--from", from, "--to", to, "--batch-size", "100"], {
    env: childEnv({}),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /messages: (\d+)\/(\d+) rows/.exec(stderr.split("\n").filter(Boolean).at(-1) ?? "");
      if (m && Number(m[1]) >= 1_000) child.kill("SIGKILL");
    });
    child.on("exit", (_code, sig) => resolve(sig));
  });
  expect(signal).toBe("SIGKILL");
}

const digests = (s: Summary) =>
  Object.fromEntries(s.tables.map((t) => [t.table, [t.sourceRows, t.sourceSha256]]));

/** What the agent ada finds and says on an installation: its searches, and the requests the model gets. */
async function askAda(env: Record<string, string>) {
  const os = await openLmos({ env: { ...modelEnv(model), ...env } });
  try {
    const ada = await os.agents.get("ada");
    const archival = (await ada.archival.search("cat sardines")).map((h) => h.passage.text);
    const recall = (await ada.recall.search("Lisbon")).map((h) => h.text);
    const docs = (await os.sources.search("handbook", "Lisbon travel desk")).map((h) => h.passage.text);
    const state = await ada.state();
    const from = model.requests.length;
    model.push(
      toolCallReply("archival_memory_search", { query: "Turing", request_heartbeat: true }),
      toolCallReply("conversation_search", { query: "Lisbon", request_heartbeat: true }),
      sendMessageReply("Your cat is Turing and you fly to Lisbon."),
    );
    const run = await ada.send("What is my cat called, and where am I flying?");
    const requests = model.requests.slice(from);
    // The tool results the model read (their time stamps are when the tool ran: dropped).
    const toolResults = requests
      .flatMap((r) => r.messages)
      .filter((m) => m.role === "tool")
      .map((m) => {
        const text = typeof m.content === "string" ? m.content : JSON.stringify(m.content);
        const { time: _time, ...rest } = JSON.parse(text) as Record<string, unknown>;
        return JSON.stringify(rest);
      });
    return {
      archival,
      recall,
      docs,
      reply: run.reply,
      summary: state.record.summary,
      window: state.record.inContextMessageIds,
      blocks: (await ada.memory.list()).map((b) => [b.label, b.value]),
      tools: (await ada.tools.list()).map((t) => t.name).sort(),
      schedules: (await ada.schedules.list()).map((s) => s.spec),
      groups: (await os.groups.list()).map((g) => g.description),
      toolResults: [...new Set(toolResults)],
    };
  } finally {
    await os.close();
  }
}

describe("lmos migrate", () => {
  it("round-trips SQLite → PostgreSQL → SQLite with equal checksums, and the agent answers the same", async () => {
    const home = join(root, "original");
    await buildInstallation(home, model);
    const url = pgUrl();
    const toPg = await migrate(join(home, "lmos.db"), url);
    expect(toPg.ok).toBe(true);
    const rows = Object.fromEntries(toPg.tables.map((t) => [t.table, t.sourceRows]));
    for (const t of ["agents", "blocks", "agent_blocks", "messages", "passages", "agent_context", "tools"]) {
      expect(rows[t], t).toBeGreaterThan(0);
    }
    for (const t of [
      "agent_tools",
      "sources",
      "files",
      "agent_sources",
      "agent_groups",
      "schedules",
      "runs",
      "steps",
    ]) {
      expect(rows[t], t).toBeGreaterThan(0);
    }
    const backHome = join(root, "back");
    const back = await migrate(url, join(backHome, "lmos.db"));
    expect(back.ok).toBe(true);
    expect(digests(back)).toEqual(digests(toPg));

    const original = await askAda({ LMOS_HOME: home });
    const onPg = await askAda({ LMOS_HOME: join(root, "unused"), LMOS_DATABASE_URL: url });
    const onCopy = await askAda({ LMOS_HOME: backHome });
    expect(original.archival[0]).toContain("Turing");
    expect(original.recall.some((t) => t.includes("Lisbon"))).toBe(true);
    expect(original.docs[0]).toContain("travel desk");
    expect(original.summary).toContain("Turing");
    expect(original.toolResults.join()).toContain("sardines");
    expect(onPg).toEqual(original);
    expect(onCopy).toEqual(original);
  }, 240_000);

  it("a migration SIGKILLed mid-copy resumes where it stopped and ends with the same checksums, both ways", async () => {
    const file = join(root, "big", "lmos.db");
    mkdirSync(join(root, "big"), { recursive: true });
    const store = await openSqliteStore(file);
    await generateInstallation(store, { agents: 3, messages: 6_000, passages: 600 });
    await store.close();
    const wholeUrl = pgUrl();
    const whole = await migrate(file, wholeUrl);

    const url = pgUrl();
    const copy = join(root, "big-back", "lmos.db");
    for (const [from, to] of [
      [file, url],
      [wholeUrl, copy],
    ]) {
      await killMidway(from, to);
      const resumed = await runLmos(["migrate", "--from", from, "--to", to, "--json"], childEnv({}));
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(/resuming/);
      const summary = JSON.parse(resumed.stdout) as Summary;
      expect(summary).toMatchObject({ ok: true, resumed: true });
      expect(summary.rowsCopied).toBeLessThan(whole.rowsCopied);
      expect(digests(summary)).toEqual(digests(whole));
    }
    // Run again once complete: nothing copied, still verified.
    const again = await migrate(file, url);
    expect(again).toMatchObject({ ok: true, resumed: true, rowsCopied: 0 });
    // The SQLite copy's full-text index holds each message once, and its watermark says all are in.
    const db = new Database(copy, { readonly: true });
    const fts = db.prepare("SELECT count(*) AS n FROM messages_fts").get() as { n: number };
    const state = db.prepare("SELECT indexed_seq AS s FROM messages_fts_state").get() as { s: number };
    const max = db.prepare("SELECT max(seq) AS s, count(*) AS n FROM messages").get() as {
      s: number;
      n: number;
    };
    db.close();
    expect(max.n).toBe(6_000);
    expect(fts.n).toBe(6_000);
    expect(state.s).toBe(max.s);
  }, 300_000);

  it("bad arguments and a non-empty target fail with one clear line", async () => {
    const env = childEnv({});
    const bad = await runLmos(["migrate", "--from", "postgres://", "--to", join(root, "x.db")], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/--from "postgres:\/\/" is not a postgres:\/\/ URL/);

    const missing = await runLmos(["migrate", "--from", join(root, "nope.db"), "--to", pgUrl()], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*nope\.db: no such file/);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(root, "nope.db"))).toBe(false);

    const home = join(root, "original");
    const other = join(root, "other.db");
    const store = await openSqliteStore(other);
    await generateInstallation(store, { agents: 1, messages: 10, passages: 2 });
    await store.close();
    const full = await runLmos(["migrate", "--from", join(home, "lmos.db"), "--to", other], env);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^error: the target .* is not empty .*--force/);
    expect(full.stderr.trim().split("\n")).toHaveLength(1);
    const forced = await migrate(join(home, "lmos.db"), other, "--force");
    expect(forced.ok).toBe(true);

    // A copy changed behind migrate's back no longer verifies: rerun, it says which table and exits 1.
    const db = new Database(other);
    db.prepare("UPDATE blocks SET value = 'changed' WHERE label = 'human'").run();
    db.close();
    const changed = await runLmos(["migrate", "--from", join(home, "lmos.db"), "--to", other], env);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/blocks .* MISMATCH/);
    expect(changed.stderr).toMatch(/^error: verification failed: blocks \(\d+ → \d+ rows\) differ/m);
  }, 120_000);
});
