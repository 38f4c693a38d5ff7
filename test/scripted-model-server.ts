// The scripted model as a standalone process, for CLI tests and benchmarks:
//   npx tsx test/scripted-model-server.ts [--port N] [--replies file.json] [--mode text|send_message]
// Prints `listening http://127.0.0.1:PORT/v1` once ready and serves until killed. After the scripted
// replies (a JSON array of ScriptedReply objects) run out, it answers "ok: <last user message text>",
// as a send_message tool call (default, when the request offers that tool) or as plain text.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type RecordedRequest, type ScriptedReplyObject, startScriptedModel } from "./scripted-model.ts";

/** The standalone server's answer once the script has run out. */
export function echoReply(req: RecordedRequest, mode: "text" | "send_message"): ScriptedReplyObject {
  const text = `ok: ${req.lastUserText}`.slice(0, 200);
  if (mode === "send_message" && req.toolNames.includes("send_message")) {
    return { toolCalls: [{ name: "send_message", arguments: { message: text } }] };
  }
  return { content: text };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      replies: { type: "string" },
      mode: { type: "string", default: "send_message" },
      "embedding-dim": { type: "string" },
    },
  });
  const mode = values.mode === "text" ? "text" : "send_message";
  if (values.mode !== "text" && values.mode !== "send_message") {
    throw new Error(`--mode must be text or send_message, got ${values.mode}`);
  }
  const replies = values.replies ? JSON.parse(readFileSync(values.replies, "utf8")) : [];
  if (!Array.isArray(replies)) throw new Error("--replies must name a JSON file holding an array of replies");
  const model = await startScriptedModel({
    port: values.port ? Number(values.port) : undefined,
    replies,
    embeddingDim: values["embedding-dim"] ? Number(values["embedding-dim"]) : undefined,
    fallback: (req) => echoReply(req, mode),
  });
  process.stdout.write(`listening ${model.url}\n`);
  const stop = () => void model.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
