// The JSON bytes of a chat-completions request, put together from the JSON of each message and tool, kept
// per object: the kernel hands the driver the SAME ChatMessage objects step after step (memoised per
// stored record, which never changes) and the same ToolSpec objects (cached per tool version), so a step
// encodes only what is new — the system prompt and the latest messages — and appends their bytes to the
// window's bytes from the step before, instead of encoding the whole window to a string and that to UTF-8.
// Why not the SDK's JSON.stringify of the request: `npm run bench -- server --profile` shows that encoding
// among the largest costs of the server's thread, and it grows with the window (tens of KB per step).
// The SDK sends a byte body verbatim.
import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { ChatMessage, ToolSpec } from "./types.ts";

/** The wire shape of one message. */
export function toWireMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case "system":
    case "user":
      return { role: m.role, content: m.content };
    case "tool":
      return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
    case "assistant":
      return m.toolCalls && m.toolCalls.length > 0
        ? {
            role: "assistant",
            content: m.content,
            tool_calls: m.toolCalls.map((c) => ({
              id: c.id,
              type: "function" as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : { role: "assistant", content: m.content ?? "" };
  }
}

/** The wire shape of one tool. */
export function toWireTool(t: ToolSpec): ChatCompletionTool {
  return {
    type: "function",
    function: { name: t.name, description: t.description, parameters: t.parameters },
  };
}

const messageJson = new WeakMap<ChatMessage, string>();
const toolJson = new WeakMap<ToolSpec, string>();

function cached<K extends object>(cache: WeakMap<K, string>, key: K, encode: (k: K) => unknown): string {
  let json = cache.get(key);
  if (json === undefined) {
    json = JSON.stringify(encode(key));
    cache.set(key, json);
  }
  return json;
}

/** The encoded JSON of a run of messages (comma-separated, no brackets) and the objects it was made of.
 * `buf` has room to grow: the bytes are buf[0, len). */
interface Run {
  objs: ChatMessage[];
  buf: Buffer;
  len: number;
}

// The window's run from the last request, keyed by its first message. The window starts after the system
// prompt (a new object every step) and, when the agent has a summary, its notice (new every step too): at
// index 1 or 2. A run is reused only while the same objects lead from there, so a changed window (eviction,
// reset) simply encodes anew.
const runs = new WeakMap<ChatMessage, Run>();
const RUN_STARTS = [1, 2];

function leads(objs: ChatMessage[], messages: ChatMessage[], at: number): boolean {
  if (objs.length > messages.length - at) return false;
  for (let i = 0; i < objs.length; i++) if (objs[i] !== messages[at + i]) return false;
  return true;
}

function messagesJson(messages: ChatMessage[], from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) {
    if (i > from) out += ",";
    out += cached(messageJson, messages[i] as ChatMessage, toWireMessage);
  }
  return out;
}

/** The encoded run of messages[at..], extending the cached run that starts there (prior) in place when
 * its buffer has room (the prior run is replaced by this one, so nothing else reads those bytes). */
function windowRun(messages: ChatMessage[], at: number, prior: Run | undefined): Run {
  let tail = messagesJson(messages, at + (prior?.objs.length ?? 0), messages.length);
  if (prior && tail) tail = `,${tail}`;
  const add = Buffer.byteLength(tail);
  const len = (prior?.len ?? 0) + add;
  let buf = prior?.buf;
  if (!buf || buf.length < len) {
    // Half again as much room, so that a growing window is copied O(log n) times, not at every step.
    const grown = Buffer.allocUnsafe(Math.max(1024, Math.ceil(1.5 * len)));
    if (prior) prior.buf.copy(grown, 0, 0, prior.len);
    buf = grown;
  }
  buf.write(tail, len - add, "utf8");
  return { objs: messages.slice(at), buf, len };
}

/** The request as JSON bytes: `rest` (every field but messages and tools) with the cached pieces. Equal,
 * once parsed, to JSON.stringify of the whole request. */
export function chatBody(
  rest: Omit<ChatCompletionCreateParamsBase, "messages" | "tools">,
  messages: ChatMessage[],
  tools: ToolSpec[] | undefined,
): Buffer {
  const hit = RUN_STARTS.find((s) => {
    const r = s < messages.length ? runs.get(messages[s] as ChatMessage) : undefined;
    return r !== undefined && leads(r.objs, messages, s);
  });
  let at = -1;
  let run: Run | undefined;
  if (hit !== undefined) {
    at = hit;
    run = windowRun(messages, at, runs.get(messages[at] as ChatMessage));
    runs.set(messages[at] as ChatMessage, run);
    // The run kept from the other possible start is stale now (it holds a window's bytes): drop it.
    for (const s of RUN_STARTS) if (s !== at && s < messages.length) runs.delete(messages[s] as ChatMessage);
  } else {
    // No run to reuse: keep runs from both possible starts for next time; this body uses the first.
    for (const s of RUN_STARTS) {
      if (s >= messages.length) continue;
      const fresh = windowRun(messages, s, undefined);
      runs.set(messages[s] as ChatMessage, fresh);
      if (!run) {
        run = fresh;
        at = s;
      }
    }
  }
  const parts: Buffer[] = [];
  const head = JSON.stringify(rest);
  let text = `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"messages":[`;
  if (run) {
    // (every run starts at index 1 or later, after at least the system prompt)
    text += `${messagesJson(messages, 0, at)},`;
    parts.push(Buffer.from(text), run.buf.subarray(0, run.len));
    text = "";
  } else text += messagesJson(messages, 0, messages.length);
  text += "]";
  if (tools && tools.length > 0) {
    text += ',"tools":[';
    for (let i = 0; i < tools.length; i++) {
      if (i > 0) text += ",";
      text += cached(toolJson, tools[i] as ToolSpec, toWireTool);
    }
    text += "]";
  }
  parts.push(Buffer.from(`${text}}`));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}
