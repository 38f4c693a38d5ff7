// `npm run bench -- driver [--calls 1500] [--concurrency 16]`: CPU this process spends per chat completion
// through the official OpenAI SDK, with Node's built-in fetch (undici) and with lmos's nodeFetch
// (node:http keep-alive; src/llm/node-fetch.ts), against the scripted model in a child process. The
// request is an agent-sized prompt (a 6 KB system prompt, 30 messages, one tool). Rounds alternate and
// repeat so a warm-up or a noisy neighbour shows as spread. Writes bench/results/driver.json.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import OpenAI from "openai";
import { nodeFetch } from "../src/llm/node-fetch.ts";
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
    const result = {
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
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results/driver.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log("wrote bench/results/driver.json");
  } finally {
    model?.kill("SIGTERM");
  }
}
