// The CLI of the many-agent features as a user runs it: a schedule made with `lmos schedules create`
// fires in a running `lmos serve` (a real child process on the same home); `lmos agents export` through
// the server and `lmos agents import` into another home give the same agent.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { childEnv, runLmos, startLmosServe } from "./cli-harness.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

let model: ScriptedModel;
const homes: string[] = [];
const envFor = (home: string) =>
  childEnv({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_MAX_RETRIES: "0",
    LMOS_SCHEDULER_TICK_MS: "100",
    LMOS_JOB_POLL_MS: "100",
  });
beforeAll(async () => {
  model = await startScriptedModel({ fallback: () => sendMessageReply("Good morning!") });
});
afterAll(async () => {
  await model.close();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
const freshHome = () => {
  const h = mkdtempSync(join(tmpdir(), "lmos-cli-many-"));
  homes.push(h);
  return h;
};

it("schedules from the CLI fire in lmos serve; agents move between homes as agent files", {
  timeout: 120_000,
}, async () => {
  const home = freshHome();
  const env = envFor(home);
  const ok = async (args: string[], e = env) => {
    const r = await runLmos(args, e);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return r.stdout;
  };
  await ok(["agents", "create", "--name", "ada"]);
  const serve = await startLmosServe(env);
  try {
    const at = new Date(Date.now() + 1_000).toISOString();
    const made = JSON.parse(
      await ok(["schedules", "create", "ada", "--at", at, "--message", "Morning briefing", "--json"]),
    );
    expect(made).toMatchObject({ recurring: false, when: at, nextRunAt: at, message: "Morning briefing" });
    const cron = JSON.parse(await ok(["schedules", "create", "ada", "--cron", "0 9 * * 1", "--json"]));
    expect(await ok(["schedules", "list", "ada"])).toContain("cron 0 9 * * 1");
    // The server fires the one-time schedule: its run shows up.
    await eventually(async () => (await ok(["runs", "list", "ada", "--json"])).includes("completed"), 30_000);
    const listed = JSON.parse(await ok(["schedules", "list", "ada", "--json"]));
    expect(listed.find((s: { id: string }) => s.id === made.id).nextRunAt).toBeNull();
    await ok(["schedules", "delete", "ada", cron.id]);
    const bad = await runLmos(["schedules", "create", "ada"], env);
    expect(bad.code).toBe(2);

    // Export through the server, import into another home.
    const file = join(home, "ada.af");
    await ok(["--url", serve.url, "agents", "export", "ada", "-o", file]);
    const af = JSON.parse(readFileSync(file, "utf8"));
    expect(af.agents[0].name).toBe("ada");
    const other = envFor(freshHome());
    const imported = JSON.parse(await ok(["agents", "import", file, "--name", "ada2", "--json"], other));
    expect(imported.agent_ids).toHaveLength(1);
    const shown = JSON.parse(await ok(["agents", "show", "ada2", "--json"], other));
    const original = JSON.parse(await ok(["--url", serve.url, "agents", "show", "ada", "--json"]));
    expect(shown.blocks.map((b: { value: string }) => b.value)).toEqual(
      original.blocks.map((b: { value: string }) => b.value),
    );
    const broken = await runLmos(["agents", "import", join(home, "missing.af")], other);
    expect(broken.code).toBe(2);
  } finally {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
});
