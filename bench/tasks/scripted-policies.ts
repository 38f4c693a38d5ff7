// Scripted "models" for the task runners: reply functions for test/scripted-model.ts that act only on
// what the model was shown (the user question and the tool results in the request), the way a real
// model does; so with --scripted the runners exercise the same kernel, tools and store code paths.
import type { RecordedRequest, ScriptedReplyObject } from "../../test/scripted-model.ts";
import { unwrapToolResult } from "./agent-traffic.ts";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

interface Call {
  name: string;
  args: Record<string, unknown>;
  result: string;
}

/** The tool calls the model made so far in this request's transcript, with their results. */
function calls(req: RecordedRequest): Call[] {
  const results = new Map(
    req.messages.filter((m) => m.role === "tool").map((m) => [m.toolCallId, unwrapToolResult(m.content)]),
  );
  return req.messages.flatMap((m) =>
    (m.toolCalls ?? []).map((c) => {
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(c.arguments);
      } catch {}
      return { name: c.name, args, result: results.get(c.id) ?? "" };
    }),
  );
}

/** Adds request_heartbeat when the tool offers it (MemGPT heartbeats), so the run continues. */
function call(req: RecordedRequest, name: string, args: Record<string, unknown>): ScriptedReplyObject {
  const tool = (req.body.tools ?? []).find((t: any) => (t.function?.name ?? t.name) === name);
  const props = tool?.function?.parameters?.properties ?? tool?.input_schema?.properties ?? {};
  const withBeat = "request_heartbeat" in props ? { ...args, request_heartbeat: true } : args;
  return { toolCalls: [{ name, arguments: withBeat }] };
}

function answer(req: RecordedRequest, message: string): ScriptedReplyObject {
  return req.toolNames.includes("send_message")
    ? call(req, "send_message", { message })
    : { content: message };
}

function firstUserText(req: RecordedRequest): string {
  return (
    req.messages.find((m) => m.role === "user" && !m.content.includes('"type": "heartbeat"'))?.content ?? ""
  );
}

/**
 * Nested KV: search the asked key; when the last search for X showed "key = X, value = V", search V;
 * when it showed no pair whose key is X, X is not a key, so X is the answer.
 */
export function nestedKvPolicy(req: RecordedRequest): ScriptedReplyObject {
  const asked = new RegExp(`following key: (${UUID})`).exec(firstUserText(req))?.[1];
  if (!asked) return answer(req, "I could not find the key in your message.");
  const searches = calls(req).filter((c) => c.name === "archival_memory_search");
  const last = searches.at(-1);
  if (!last) return call(req, "archival_memory_search", { query: asked });
  const looked = String(last.args.query ?? "");
  const found = new RegExp(`key = ${looked}, value = (${UUID})`).exec(last.result)?.[1];
  if (found) return call(req, "archival_memory_search", { query: found });
  return answer(req, looked);
}

/**
 * Document QA: search_files with the question; in the results find the sentence "The <subject> is <x>."
 * for the question "What is the <subject>?" and answer x, citing the file of the hit it came from.
 */
export function docQaPolicy(req: RecordedRequest): ScriptedReplyObject {
  const question = firstUserText(req);
  const subject = /What is the (.+?)\?/.exec(question)?.[1];
  if (!subject) return answer(req, "I don't know.");
  const searches = calls(req).filter((c) => c.name === "search_files");
  const last = searches.at(-1);
  if (!last) return call(req, "search_files", { query: subject, limit: 5 });
  const escaped = subject.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const hit of last.result.split(/\n(?=\[\d+\] )/)) {
    const file = /^\[\d+\] (\S+) lines/.exec(hit)?.[1];
    const value = new RegExp(`The ${escaped} is ([^\\s.]+(?:\\.\\d+)?)`, "i").exec(hit)?.[1];
    if (file && value) return answer(req, `${value} (source: ${file})`);
  }
  return answer(req, "I could not find it in the files.");
}
