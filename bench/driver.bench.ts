// `npm run bench -- driver [--calls 1500] [--concurrency 16]`: CPU this process spends per chat completion
// through the official OpenAI SDK, with Node's built-in fetch (undici) and with lmos's nodeFetch
// (node:http keep-alive; src/llm/node-fetch.ts), against the scripted model in a child process. The
// request is an agent-sized prompt (a 6 KB system prompt, 30 messages, one tool). Rounds alternate and
// repeat so a warm-up or a noisy neighbour shows as spread. It also times the encoding of one request body
// (the SDK's JSON.stringify against lmos's chatBody). Writes bench/results/driver.json.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import OpenAI from "openai";
import { nodeFetch } from "../src/llm/node-fetch.ts";
import { chatBody, toWireMessage, toWireTool } from "../src/llm/openai-body.ts";
import type { ChatMessage, ToolSpec } from "../src/llm/types.ts";
import { median, startChild } from "./children.ts";

const root = new URL("..", import.meta.url).pathname;

const request = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system" as const, content: "You are a helpful agent with memory. ".repeat(160) },
    ...Array.from({ length: 30 }, (_, i) => ({ role: "user" as const, content: `message ${i} `.repeat(20) })),
  ],
  tools: [
    {
      type: "function" as const,
      function: {
        name: "send_message",
        description: "Sends a message to the user.",
        parameters: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
      },
    },
  ],
};

/** One exchange of a step as the kernel sends it back: the user's text, the model's call, the tool's result. */
function exchange(i: number): ChatMessage[] {
  return [
    { role: "user", content: `hello ${i}` },
    {
      role: "assistant",
      content: null,
      toolCalls: [{ id: `call_${i}`, name: "send_message", arguments: `{"message":"ok: hello ${i}"}` }],
    },
    {
      role: "tool",
      toolCallId: `call_${i}`,
      name: "send_message",
      content: '{"status":"OK","message":"None","time":"2026-11-23 04:30:46 PM UTC+0000"}',
    },
  ];
}

/** µs to encode one request body the size of the server bench's (3.4 KB system prompt, a window growing
 * from 64 exchanges and evicted by half past 256 messages, 10 tools): the SDK's JSON.stringify of the whole request (and its UTF-8 bytes, which
 * the socket write makes), against lmos's chatBody (src/llm/openai-body.ts), which reuses the window's
 * bytes from the step before. Both see the kernel's pattern: the same message objects, a new system
 * prompt each step, one new exchange per step. */
function bodyEncodingUs(steps: number): { sdk_stringify: number; chat_body: number; bytes: number } {
  const tools: ToolSpec[] = Array.from({ length: 10 }, (_, i) => ({
    name: `tool_${i}`,
    description: "Does one thing the agent needs. ".repeat(10),
    parameters: { type: "object", properties: { arg: { type: "string", description: "x ".repeat(50) } } },
  }));
  const system = "You are a helpful agent with memory. ".repeat(92);
  const time = (encode: (messages: ChatMessage[]) => Buffer) => {
    let window: ChatMessage[] = Array.from({ length: 64 }, (_, i) => exchange(i)).flat();
    let bytes = 0;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      window = [...window, ...exchange(64 + i)];
      // an eviction when the window passes 256 messages drops its older half (as memory pressure does)
      if (window.length > 256) window = window.slice(window.length / 2);
      bytes = encode([{ role: "system", content: system }, ...window]).length;
    }
    return { us: ((performance.now() - t0) * 1000) / steps, bytes };
  };
  const sdk = (messages: ChatMessage[]) =>
    Buffer.from(
      JSON.stringify({
        model: "gpt-4o-mini",
        messages: messages.map(toWireMessage),
        tools: tools.map(toWireTool),
        stream: false,
      }),
    );
  const ours = (messages: ChatMessage[]) =>
    chatBody({ model: "gpt-4o-mini", stream: false }, messages, tools);
  time(sdk); // warm-up
  time(ours);
  const a = time(sdk);
  const b = time(ours);
  return { sdk_stringify: +a.us.toFixed(1), chat_body: +b.us.toFixed(1), bytes: b.bytes };
}

async function cpuPerCall(client: OpenAI, calls: number, concurrency: number): Promise<number> {
  const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await client.chat.completions.create(request);
    }),
  );
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / calls;
}

export default async function bench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { calls: { type: "string", default: "1500" }, concurrency: { type: "string", default: "16" } },
  });
  const calls = Number(values.calls);
  const concurrency = Number(values.concurrency);
  let model: ChildProcess | undefined;
  try {
    const started = await startChild(["--import", "tsx", "test/scripted-model-server.ts"], {});
    model = started.child;
    const clients = {
      "undici fetch": new OpenAI({ apiKey: "bench", baseURL: started.url, maxRetries: 0 }),
      nodeFetch: new OpenAI({ apiKey: "bench", baseURL: started.url, maxRetries: 0, fetch: nodeFetch }),
    };
    await cpuPerCall(clients["undici fetch"], 200, concurrency); // warm-up: JIT and sockets
    await cpuPerCall(clients.nodeFetch, 200, concurrency);
    const rounds: Record<string, number[]> = { "undici fetch": [], nodeFetch: [] };
    for (let r = 0; r < 3; r++) {
      for (const [name, client] of Object.entries(clients)) {
        rounds[name].push(Number((await cpuPerCall(client, calls, concurrency)).toFixed(3)));
      }
    }
    const body = bodyEncodingUs(2000);
    const result = {
      body_encoding_us_per_request: body,
      calls_per_round: calls,
      concurrency,
      cpu_ms_per_call: Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v)])),
      rounds,
      load_avg_1m: Number(loadavg()[0].toFixed(2)),
      node: process.version,
    };
    console.log("OpenAI SDK client CPU per chat completion (ms), median of 3 rounds");
    console.table(
      Object.entries(rounds).map(([fetch, v]) => ({ fetch, median: median(v), rounds: v.join(" / ") })),
    );
    console.log(
      `request body encoding (${body.bytes} bytes, window growing each step): SDK JSON.stringify ${body.sdk_stringify} µs, chatBody ${body.chat_body} µs`,
    );
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results/driver.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log("wrote bench/results/driver.json");
  } finally {
    model?.kill("SIGTERM");
  }
}
