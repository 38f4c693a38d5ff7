// The JSON text of a chat-completions request, put together from the JSON of each message and tool, kept
// per object: the kernel hands the driver the SAME ChatMessage objects step after step (memoised per
// stored record, which never changes) and the same ToolSpec objects (cached per tool version), so a step
// encodes only what is new — the system prompt and the latest messages — instead of the whole window.
// Why not the SDK's JSON.stringify of the request: `npm run bench -- server --profile` shows that encoding
// among the largest costs of the server's thread, and it grows with the window (tens of KB per step).
// The SDK sends a string body verbatim when the request has a content-type header.
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

/** The request as JSON text: `rest` (every field but messages and tools) with the cached pieces. Equal,
 * once parsed, to JSON.stringify of the whole request. */
export function chatBodyJson(
  rest: Omit<ChatCompletionCreateParamsBase, "messages" | "tools">,
  messages: ChatMessage[],
  tools: ToolSpec[] | undefined,
): string {
  const head = JSON.stringify(rest);
  const parts = [head.slice(0, -1)];
  parts.push(head.length > 2 ? ',"messages":[' : '"messages":[');
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) parts.push(",");
    parts.push(cached(messageJson, messages[i] as ChatMessage, toWireMessage));
  }
  parts.push("]");
  if (tools && tools.length > 0) {
    parts.push(',"tools":[');
    for (let i = 0; i < tools.length; i++) {
      if (i > 0) parts.push(",");
      parts.push(cached(toolJson, tools[i] as ToolSpec, toWireTool));
    }
    parts.push("]");
  }
  parts.push("}");
  return parts.join("");
}
