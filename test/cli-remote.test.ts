// `lmos serve` in a child process, and the same commands against it with --url: the remote backend speaks
// the Letta REST API over real HTTP. Most client commands run in process (runCli, the code bin/lmos.js
// runs) to keep the child count low; `send` runs as a child to cover the whole path.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/program.ts";
import { childEnv, runLmos, startLmosServe, textSink } from "./cli-harness.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel, toolCallReply } from "./scripted-model.ts";

const KEY = "secret-key";
let model: ScriptedModel;
let home: string;
let server: Awaited<ReturnType<typeof startLmosServe>>;

beforeAll(async () => {
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), "lmos-cli-remote-"));
  const env = childEnv({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_MAX_RETRIES: "0",
    LMOS_API_KEY: KEY,
  });
  server = await startLmosServe(env);
}, 120_000);

afterAll(async () => {
  server?.child.kill("SIGTERM");
  await server?.exited;
  await model.close();
  rmSync(home, { recursive: true, force: true });
});

/** Runs the CLI in process against the server. */
async function remote(args: string[], input = "", key: string | undefined = KEY) {
  const out = textSink();
  const err = textSink();
  const code = await runCli(["--url", server.url, ...(key ? ["--api-key", key] : []), ...args], {
    stdin: Readable.from([input]),
    stdout: out.stream,
    stderr: err.stream,
    env: {},
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe("lmos --url against lmos serve", { timeout: 60_000 }, () => {
  it("prints where it listens", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("creates an agent, sends (child process), edits and shows memory, searches archival", async () => {
    const created = await remote(["agents", "create", "--name", "remy", "--persona", "I am Remy.", "--json"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const agent = JSON.parse(created.stdout) as {
      id: string;
      blocks: Array<{ label: string; value: string }>;
    };
    expect(agent.id).toMatch(/^agent-/);
    expect(agent.blocks.find((b) => b.label === "persona")?.value).toBe("I am Remy.");

    model.push(
      toolCallReply("core_memory_append", {
        label: "human",
        content: "Likes jazz.",
        request_heartbeat: true,
      }),
      sendMessageReply("Jazz it is."),
    );
    const sent = await runLmos(
      ["send", "remy", "I like jazz", "--url", server.url],
      childEnv({ LMOS_API_KEY: KEY, LMOS_HOME: join(home, "unused") }),
    );
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    expect(sent.stdout).toBe("Jazz it is.\n");

    const human = await remote(["memory", "show", agent.id, "human"]);
    expect(human.stdout).toMatch(/Likes jazz\.\n$/);

    expect((await remote(["memory", "edit", "remy", "persona", "--append", "I play piano."])).code).toBe(0);
    expect((await remote(["memory", "show", "remy", "persona"])).stdout).toBe("I am Remy.\nI play piano.\n");

    expect(
      (
        await remote([
          "archival",
          "insert",
          "remy",
          "Remy's favourite album is Kind of Blue.",
          "--tag",
          "music",
        ])
      ).code,
    ).toBe(0);
    const found = await remote(["archival", "search", "remy", "album", "--json"]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toContainEqual(
      expect.objectContaining({ text: "Remy's favourite album is Kind of Blue." }),
    );

    const runs = await remote(["runs", "list", "remy", "--json"]);
    expect(runs.code).toBe(0);
    const [run] = JSON.parse(runs.stdout) as Array<{ id: string; agentId: string; status: string }>;
    expect(run).toMatchObject({ agentId: agent.id, status: "completed" });
    const shown = await remote(["runs", "show", run.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("  user_message: I like jazz");
    expect(shown.stdout).toContain("  assistant_message: Jazz it is.");
  });

  it("chats over the stream endpoint and shows the context line", async () => {
    model.push(
      toolCallReply("core_memory_append", {
        label: "human",
        content: "Plays drums.",
        request_heartbeat: true,
      }),
      sendMessageReply("Drums, nice."),
    );
    const r = await remote(["chat", "remy"], "I play drums\n/memory human\n/reset\n");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('→ core_memory_append(label="human", content="Plays drums.")');
    expect(r.stdout).toContain('✎ memory "human" updated (core_memory_append)');
    expect(r.stdout).toContain("Drums, nice.\n");
    expect(model.requests.at(-1)?.stream).toBe(true); // token streaming end to end
    expect(r.stdout).toMatch(/context .* \/ 128,000 tokens/);
    expect(r.stdout).toContain("Plays drums.");
    expect(r.stdout).toContain("context window emptied");
  });

  it("shows a plain-text answer (no send_message call) as the reply, not as a thought", async () => {
    model.push({ content: "Plain words, no tool." });
    const r = await remote(["chat", "remy"], "say it plainly\n");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(model.requests.at(-1)?.stream).toBe(true);
    // piped output carries replies only: the answer is there once, as the reply
    expect(r.stdout.split("Plain words, no tool.").length - 1).toBe(1);
    expect(r.stdout).toContain("Plain words, no tool.\n");
  });

  it("lists and deletes agents; an unknown agent and a wrong key exit 1 with one line", async () => {
    const list = await remote(["agents", "list"]);
    expect(list.stdout).toMatch(/remy/);
    const missing = await remote(["send", "nobody", "hi"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: agent "nobody" not found/);
    const denied = await remote(["agents", "list"], "", "wrong");
    expect(denied.code).toBe(1);
    expect(denied.stderr.trim().split("\n")).toHaveLength(1);
    expect(denied.stderr).toMatch(/--api-key or set LMOS_API_KEY/);
    // a wrong key is told apart from a missing one
    expect(denied.stderr).toMatch(/refused the API key it was given/);
    const keyless = await remote(["agents", "list"], "", "");
    expect(keyless.stderr).toMatch(/wants an API key: pass --api-key or set LMOS_API_KEY/);
    // an agent's model can change; its next run uses the new one
    const moved = await remote(["agents", "update", "remy", "--model", "openai/gpt-4.1-mini", "--json"]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ name: "remy", model: "openai/gpt-4.1-mini" });
    const before = model.chatRequests().length;
    expect((await remote(["send", "remy", "hello again"])).code).toBe(0);
    expect(model.chatRequests()[before]?.model).toBe("gpt-4.1-mini");
    expect((await remote(["agents", "delete", "remy"])).stdout).toMatch(/^deleted agent remy/);
    expect((await remote(["agents", "show", "remy"])).code).toBe(1);
  });

  it("stops on SIGTERM with exit code 0", async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});
