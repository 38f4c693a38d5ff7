// The scripted model is the fixture every other test leans on: these tests pin its behaviour.
import { spawn } from "node:child_process";
import { once } from "node:events";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ScriptedModel,
  scriptedEmbedding,
  sendMessageReply,
  startScriptedModel,
} from "./scripted-model.ts";

let model: ScriptedModel;
let openai: OpenAI;
beforeEach(async () => {
  model = await startScriptedModel();
  openai = new OpenAI({ baseURL: model.url, apiKey: "test", maxRetries: 0 });
});
afterEach(async () => {
  await model.close();
});

const user = (content: string) => ({ role: "user" as const, content });

describe("chat completions", () => {
  it("answers queued replies in order, then the default 'ok'", async () => {
    model.push({ content: "first" }, { content: "second" });
    const texts: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await openai.chat.completions.create({ model: "m", messages: [user(`q${i}`)] });
      texts.push(r.choices[0].message.content);
    }
    expect(texts).toEqual(["first", "second", "ok"]);
    expect(model.chatRequests().map((r) => r.lastUserText)).toEqual(["q0", "q1", "q2"]);
  });

  it("records system prompt, tools and tool results, and lets a function reply see them", async () => {
    model.push((req) => ({ content: `saw ${req.lastToolResult}` }));
    const r = await openai.chat.completions.create({
      model: "m",
      messages: [
        { role: "system", content: "You are Sam." },
        user("hi"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "42" },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    });
    expect(r.choices[0].message.content).toBe("saw 42");
    expect(model.lastSystemPrompt()).toBe("You are Sam.");
    expect(model.requests[0].toolNames).toEqual(["f"]);
    expect(model.requests[0].messages[2].toolCalls?.[0].name).toBe("f");
  });

  it("sends tool calls with verbatim argument text and finish_reason tool_calls", async () => {
    model.push({
      toolCalls: [
        { name: "a", arguments: { x: 1 } },
        { name: "b", arguments: "{not json" },
      ],
    });
    const r = await openai.chat.completions.create({ model: "m", messages: [user("go")] });
    const calls = r.choices[0].message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === "function" ? [c.function.name, c.function.arguments] : []))).toEqual([
      ["a", '{"x":1}'],
      ["b", "{not json"],
    ]);
    expect(r.choices[0].finish_reason).toBe("tool_calls");
    expect(r.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("streams content, reasoning and tool-call argument deltas in several chunks, then usage", async () => {
    model.push({
      content: "hello there world",
      reasoning: "thinking it over",
      toolCalls: [{ name: "f", arguments: { message: "a long enough argument" } }],
    });
    const stream = await openai.chat.completions.create({
      model: "m",
      messages: [user("go")],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let reasoning = "";
    let args = "";
    let argChunks = 0;
    let usage: unknown;
    for await (const chunk of stream) {
      const d: any = chunk.choices[0]?.delta ?? {};
      content += d.content ?? "";
      reasoning += d.reasoning_content ?? "";
      for (const t of d.tool_calls ?? []) {
        if (t.function?.arguments) argChunks++;
        args += t.function?.arguments ?? "";
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toBe("hello there world");
    expect(reasoning).toBe("thinking it over");
    expect(JSON.parse(args)).toEqual({ message: "a long enough argument" });
    expect(argChunks).toBeGreaterThan(1);
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number) });
  });

  it("replies with the scripted HTTP error status", async () => {
    model.push({ status: 429 });
    await expect(openai.chat.completions.create({ model: "m", messages: [user("x")] })).rejects.toMatchObject(
      {
        status: 429,
      },
    );
  });

  it("uses the fallback once the queue is empty, and survives a client that gives up mid-delay", async () => {
    const m = await startScriptedModel({ fallback: (req) => ({ content: `echo ${req.lastUserText}` }) });
    try {
      m.push({ delayMs: 5_000 });
      const c = new OpenAI({ baseURL: m.url, apiKey: "x", maxRetries: 0 });
      const ac = new AbortController();
      const slow = c.chat.completions.create({ model: "m", messages: [user("slow")] }, { signal: ac.signal });
      while (m.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      await expect(slow).rejects.toThrow();
      const r = await c.chat.completions.create({ model: "m", messages: [user("again")] });
      expect(r.choices[0].message.content).toBe("echo again");
      expect(m.pending()).toBe(0);
    } finally {
      await m.close();
    }
  });

  it("lists models", async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["scripted"]);
  });
});

describe("embeddings", () => {
  it("are deterministic, normalised, and near for texts sharing words", async () => {
    const r = await openai.embeddings.create({
      model: "e",
      input: ["the cat sat", "The cat sat!", "quantum chromodynamics"],
    });
    const [a, b, c] = r.data.map((d) => d.embedding);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(a).toHaveLength(64);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeCloseTo(1, 5);
    expect(dot(a, c)).toBeLessThan(0.5);
    expect(Array.from(scriptedEmbedding("the cat sat"))).toEqual(a.map((x) => Math.fround(x)));
    expect(model.embeddingRequests[0].input).toHaveLength(3);
  });
});

describe("anthropic messages", () => {
  const client = () => new Anthropic({ baseURL: model.anthropicUrl, apiKey: "test", maxRetries: 0 });

  it("answers with text, thinking and tool_use blocks, tool results recorded as tool messages", async () => {
    model.push({ content: "hi", reasoning: "hmm", toolCalls: [{ name: "f", arguments: { a: 1 } }] });
    const r = await client().messages.create({
      model: "claude-x",
      max_tokens: 100,
      system: "sys",
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "res" }] },
      ],
    });
    expect(r.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    expect(r.stop_reason).toBe("tool_use");
    expect(model.lastSystemPrompt()).toBe("sys");
    expect(model.requests[0].lastToolResult).toBe("res");
  });

  it("streams message events", async () => {
    model.push({ content: "streamed text", toolCalls: [{ name: "f", arguments: { a: "bcdef" } }] });
    const stream = await client().messages.create({
      model: "claude-x",
      max_tokens: 100,
      messages: [{ role: "user", content: "q" }],
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let json = "";
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
      if (ev.type === "content_block_delta" && ev.delta.type === "input_json_delta")
        json += ev.delta.partial_json;
    }
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(text).toBe("streamed text");
    expect(JSON.parse(json)).toEqual({ a: "bcdef" });
  });
});

describe("standalone server", () => {
  it("prints its URL and echoes the last user message through send_message", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/scripted-model-server.ts"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      const url = /listening (\S+)/.exec(line.toString())?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const c = new OpenAI({ baseURL: url, apiKey: "x", maxRetries: 0 });
      const tools = [{ type: "function" as const, function: { name: "send_message", parameters: {} } }];
      const r = await c.chat.completions.create({ model: "m", messages: [user("hello")], tools });
      const call = r.choices[0].message.tool_calls?.[0];
      expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({
        message: "ok: hello",
      });
      const plain = await c.chat.completions.create({ model: "m", messages: [user("hey")] });
      expect(plain.choices[0].message.content).toBe("ok: hey");
    } finally {
      child.kill();
    }
  });

  it("sendMessageReply builds a send_message tool call", () => {
    expect(sendMessageReply("hi").toolCalls?.[0]).toEqual({
      name: "send_message",
      arguments: { message: "hi" },
    });
  });
});
