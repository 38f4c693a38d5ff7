// The `lmos` command as a user runs it: child processes on a temp LMOS_HOME, the model played by the
// scripted OpenAI-compatible server over real HTTP. One home for the whole file, so each step builds on
// the one before (create → send → memory → archival → chat → errors).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runLmos } from "./cli-harness.ts";
import { type ScriptedModel, sendMessageReply, startScriptedModel, toolCallReply } from "./scripted-model.ts";

let model: ScriptedModel;
let home: string;
let env: Record<string, string>;
let adaId = "";

beforeAll(async () => {
  model = await startScriptedModel();
  home = mkdtempSync(join(tmpdir(), "lmos-cli-"));
  env = childEnv({
    LMOS_HOME: home,
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MODEL: "openai/gpt-4o-mini",
    LMOS_MAX_RETRIES: "0",
  });
});
afterAll(async () => {
  await model.close();
  rmSync(home, { recursive: true, force: true });
});

const lmos = (args: string[], input?: string) => runLmos(args, env, input);

describe("lmos on the local store", { timeout: 60_000 }, () => {
  it("agents create --json prints the agent with its id", async () => {
    const r = await lmos(["agents", "create", "--name", "ada", "--human", "The user is new.", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const agent = JSON.parse(r.stdout) as {
      id: string;
      name: string;
      model: string;
      blocks: Array<{ label: string; value: string }>;
    };
    expect(agent.id).toMatch(/^agent-/);
    expect(agent.name).toBe("ada");
    expect(agent.model).toBe("openai/gpt-4o-mini");
    expect(agent.blocks.find((b) => b.label === "human")?.value).toBe("The user is new.");
    expect(agent.blocks.map((b) => b.label)).toContain("persona");
    adaId = agent.id;
  });

  it("send prints the whole reply after the model edits its memory; memory show prints the block", async () => {
    model.push(
      toolCallReply("core_memory_append", {
        label: "human",
        content: "Name: Grace. Has a cat called Turing.",
        request_heartbeat: true,
      }),
      sendMessageReply("Nice to meet you, Grace!\nI will remember Turing."),
    );
    const r = await lmos(["send", "ada", "Hi, I'm Grace and my cat is Turing."]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Nice to meet you, Grace!\nI will remember Turing.\n");

    const shown = await lmos(["memory", "show", adaId, "human"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe("The user is new.\nName: Grace. Has a cat called Turing.\n");
  });

  it("send --json prints the run's messages, stop reason and usage", async () => {
    model.push(sendMessageReply("Turing is a cat."));
    const r = await lmos(["send", adaId, "Who is Turing?", "--json", "--max-steps", "3"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      reply: string;
      stopReason: string;
      usage: { stepCount: number; totalTokens: number };
      messages: Array<{ message_type: string; content?: string }>;
    };
    expect(out.reply).toBe("Turing is a cat.");
    expect(out.stopReason).toBe("end_turn");
    expect(out.usage.stepCount).toBe(1);
    expect(out.messages).toContainEqual(
      expect.objectContaining({ message_type: "assistant_message", content: "Turing is a cat." }),
    );
    expect(out.messages.some((m) => m.message_type === "tool_return_message")).toBe(true);
  });

  it("runs list shows the sends as completed runs; runs show prints what a run stored, input first", async () => {
    const list = await lmos(["runs", "list", "ada", "--json"]);
    expect(list.code).toBe(0);
    const runs = JSON.parse(list.stdout) as Array<{ id: string; agentId: string; status: string }>;
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === "completed" && r.agentId === adaId)).toBe(true);
    const text = await lmos(["runs", "list", "--status", "completed", "-n", "1"]);
    expect(text.stdout).toMatch(/^run-\S+ {2}completed \(end_turn\) {2}agent-/);
    expect(text.stdout.trim().split("\n")).toHaveLength(1);
    const show = await lmos(["runs", "show", runs[0].id, "--json"]);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { messages: Array<{ message_type: string; content?: string }> };
    expect(shown.messages[0]).toMatchObject({ message_type: "user_message", content: "Who is Turing?" });
    expect(shown.messages).toContainEqual(
      expect.objectContaining({ message_type: "assistant_message", content: "Turing is a cat." }),
    );
    const plain = await lmos(["runs", "show", runs[0].id]);
    expect(plain.stdout).toContain("  assistant_message: Turing is a cat.");
    const bad = await lmos(["runs", "list", "--status", "done"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("use one of created, running, completed, failed, cancelled");
    const missing = await lmos(["runs", "show", "run-nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("backup writes a copy that opens as a home of its own; an existing file is refused", async () => {
    const copyHome = mkdtempSync(join(tmpdir(), "lmos-cli-copy-"));
    try {
      const target = join(copyHome, "lmos.db");
      const r = await lmos(["backup", target]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^backed up .*lmos\.db to .*lmos\.db \(\d+ KB\)\n$/);
      const again = await lmos(["backup", target]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("already exists");
      const shown = await runLmos(["memory", "show", "ada", "human"], { ...env, LMOS_HOME: copyHome });
      expect(shown.stdout).toContain("Has a cat called Turing.");
    } finally {
      rmSync(copyHome, { recursive: true, force: true });
    }
  });

  it("memory edit sets a block from --value and from stdin", async () => {
    const a = await lmos(["memory", "edit", "ada", "persona", "--value", "I am terse."]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^updated "persona" \(11 \/ [\d,]+ chars\)/);
    const b = await lmos(["memory", "edit", "ada", "persona"], "I am terse and kind.\n");
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^updated "persona" \(20 \/ [\d,]+ chars\)/);
  });

  it("archival insert and search", async () => {
    const ins = await lmos([
      "archival",
      "insert",
      "ada",
      "Grace's cat Turing likes sardines.",
      "--tag",
      "pets",
    ]);
    expect(ins.code).toBe(0);
    expect(ins.stdout).toMatch(/^inserted passage-/);
    const hit = await lmos([
      "archival",
      "search",
      "ada",
      "sardines",
      "--tag",
      "pets",
      "--limit",
      "2",
      "--json",
    ]);
    expect(hit.code).toBe(0);
    const passages = JSON.parse(hit.stdout) as Array<{ text: string; tags: string[] }>;
    expect(passages[0]).toMatchObject({ text: "Grace's cat Turing likes sardines.", tags: ["pets"] });
  });

  it("chat through piped stdin: creates the default agent, streams replies, shows tools, memory and context", async () => {
    model.push(
      toolCallReply("core_memory_append", {
        label: "human",
        content: "Chats a lot.",
        request_heartbeat: true,
      }),
      sendMessageReply("Hello from the default agent."),
      sendMessageReply("Second answer."),
    );
    const input = "hello there\n/memory human\n/context\nand again\n/exit\nnot sent\n";
    const r = await lmos(["chat"], input);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("Hello from the default agent.\n");
    expect(out).toContain("Second answer.\n");
    expect(out).toContain('→ core_memory_append(label="human", content="Chats a lot.")');
    expect(out).toContain('✎ memory "human" updated (core_memory_append)');
    expect(out).toMatch(
      /context [\d,]+ \/ 128,000 tokens \(\d+\.\d%\) · \d+ messages in window · \d+ in recall/,
    );
    expect(out).toContain("Chats a lot.");
    expect(out).toMatch(/core memory\s+[\d,]+/);
    expect(out).not.toContain("you>");
    // replies were asked for token by token
    expect(model.requests.at(-1)?.stream).toBe(true);
    // /exit ended the chat: the last line was never sent
    expect(model.pending()).toBe(0);
    expect(model.requests.some((q) => q.lastUserText.includes("not sent"))).toBe(false);

    const list = await lmos(["agents", "list", "--json"]);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((a) => a.name).sort()).toEqual([
      "ada",
      "default",
    ]);
  });

  it("an unknown agent exits 1 with one line", async () => {
    const r = await lmos(["send", "nobody", "hi"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*nobody.*not found/);
  });

  it("a provider failure exits 1 with one line; --json still prints the run", async () => {
    model.push({ status: 500, errorBody: { error: { message: "model overloaded", type: "server_error" } } });
    const r = await lmos(["send", "ada", "are you there?", "--json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { stopReason: string; error: { code: string; message: string } };
    expect(out.stopReason).toBe("llm_api_error");
    expect(out.error.code).toBe("provider_error");
  });

  it("no provider configured exits 1 with the line that says what to set", async () => {
    const bare = childEnv({ LMOS_HOME: home });
    const r = await runLmos(["send", "ada", "hi"], bare);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/OPENAI_API_KEY/);
    expect(r.stderr).toMatch(/OPENAI_BASE_URL/);
    expect(r.stderr).toMatch(/LMOS_MODEL/);
  });

  it("chat with no model configured creates nothing; once one is set, chat and agents update use it", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "lmos-cli-nomodel-"));
    try {
      const bare = childEnv({ LMOS_HOME: fresh });
      const r = await runLmos(["chat"], bare, "hello\n");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/OPENAI_API_KEY/);
      expect(r.stderr).toMatch(/no agent was created/);
      const configured = childEnv({
        LMOS_HOME: fresh,
        OPENAI_BASE_URL: model.url,
        OPENAI_API_KEY: "test",
        LMOS_MODEL: "openai/gpt-4.1-mini",
      });
      expect((await runLmos(["agents", "list", "--json"], configured)).stdout.trim()).toBe("[]");
      const before = model.chatRequests().length;
      expect((await runLmos(["chat"], configured, "hello\n")).code).toBe(0);
      expect(model.chatRequests()[before]?.model).toBe("gpt-4.1-mini");
      // and an agent can move to another model
      const moved = await runLmos(["agents", "update", "default", "--model", "openai/gpt-4o"], configured);
      expect(moved.stdout).toMatch(/^updated agent default .*: model openai\/gpt-4o$/m);
      const next = model.chatRequests().length;
      expect((await runLmos(["send", "default", "again"], configured)).code).toBe(0);
      expect(model.chatRequests()[next]?.model).toBe("gpt-4o");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
