// Driver for the Anthropic Messages API: system messages hoisted, tool results sent as user
// tool_result blocks, consecutive same-role messages merged (the API requires alternation).
import { withCallSignal } from "./call-signal.ts";
import type Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  Message,
  MessageCreateParamsBase,
  MessageParam,
  StopReason,
} from "@anthropic-ai/sdk/resources/messages/messages";
import type { DriverConfig } from "./openai-compatible.ts";
import { nodeFetch } from "./node-fetch.ts";
import { toProviderError } from "./provider-error.ts";
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, Provider, ToolCall } from "./types.ts";

/** Output budget when the caller sets none (the API requires one). */
const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

function parseInput(args: string): Record<string, unknown> {
  try {
    const v = JSON.parse(args);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    // The kernel already told the model its arguments were malformed; the API only takes objects.
    return {};
  }
}

/** Maps our messages to Anthropic's `system` string and alternating user/assistant messages. */
export function toAnthropicMessages(messages: ChatMessage[]): { system: string; messages: MessageParam[] } {
  const system: string[] = [];
  const out: MessageParam[] = [];
  const append = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) (last.content as ContentBlockParam[]).push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === "system") system.push(m.content);
    else if (m.role === "user") append("user", m.content ? [{ type: "text", text: m.content }] : []);
    else if (m.role === "tool") {
      append("user", [{ type: "tool_result", tool_use_id: m.toolCallId, content: m.content }]);
    } else {
      const blocks: ContentBlockParam[] = m.content ? [{ type: "text", text: m.content }] : [];
      for (const c of m.toolCalls ?? []) {
        blocks.push({ type: "tool_use", id: c.id, name: c.name, input: parseInput(c.arguments) });
      }
      append("assistant", blocks);
    }
  }
  // The conversation must open with a user turn.
  if (out[0]?.role === "assistant")
    out.unshift({ role: "user", content: [{ type: "text", text: "(start)" }] });
  return { system: system.join("\n\n"), messages: out };
}

function mapStop(reason: StopReason | string | null | undefined): ChatResponse["finishReason"] {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}

function usage(input: number, output: number): ChatResponse["usage"] {
  return { promptTokens: input, completionTokens: output, totalTokens: input + output };
}

/** A Provider that speaks the Anthropic Messages API. */
export function createAnthropicProvider(config: DriverConfig): Provider {
  // The SDK takes about a second to import; load it on first use so processes that never talk to
  // Anthropic (most CLI calls) do not pay for it.
  let clientPromise: Promise<Anthropic> | undefined;
  const sdkErrors = async () => (await import("@anthropic-ai/sdk")).default;
  const getClient = () => {
    clientPromise ??= import("@anthropic-ai/sdk").then(
      ({ default: AnthropicSdk }) =>
        new AnthropicSdk({
          apiKey: config.apiKey,
          baseURL: config.baseURL,
          maxRetries: config.maxRetries,
          timeout: config.timeoutMs,
          // Keep-alive sockets, and a request on a pooled socket the provider closed is sent again.
          fetch: nodeFetch,
        }),
    );
    return clientPromise;
  };

  function params(request: ChatRequest): MessageCreateParamsBase {
    const { system, messages } = toAnthropicMessages(request.messages);
    const p: MessageCreateParamsBase = {
      model: request.model,
      max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      messages,
    };
    if (system) p.system = system;
    if (request.tools && request.tools.length > 0 && request.toolChoice !== "none") {
      p.tools = request.tools.map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: { type: "object", ...t.parameters },
      }));
      if (request.toolChoice) p.tool_choice = { type: request.toolChoice === "required" ? "any" : "auto" };
    }
    // This SDK's types no longer list temperature; the API still takes it for the models that support it.
    if (request.temperature !== undefined) Object.assign(p, { temperature: request.temperature });
    return p;
  }

  function fromMessage(m: Message): ChatResponse {
    let text = "";
    let reasoning = "";
    const toolCalls: ToolCall[] = [];
    for (const b of m.content) {
      if (b.type === "text") text += b.text;
      else if (b.type === "thinking") reasoning += b.thinking;
      else if (b.type === "tool_use") {
        const input: unknown = b.input;
        toolCalls.push({
          id: b.id,
          name: b.name,
          arguments: typeof input === "string" ? input : JSON.stringify(input ?? {}),
        });
      }
    }
    return {
      text,
      reasoning,
      toolCalls,
      finishReason: mapStop(m.stop_reason),
      usage: usage(m.usage.input_tokens, m.usage.output_tokens),
    };
  }

  async function stream(
    request: ChatRequest,
    onDelta: NonNullable<ChatOptions["onDelta"]>,
    { signal, onRequest }: ChatOptions,
  ): Promise<ChatResponse> {
    const body = { ...params(request), stream: true as const };
    onRequest?.(() => body);
    const events = await (await getClient()).messages.create(body, { signal });
    let text = "";
    let reasoning = "";
    let stop: string | null = null;
    let input = 0;
    let output = 0;
    // Content-block index → tool-call index (blocks also hold text and thinking).
    const toolIndex = new Map<number, number>();
    const calls: ToolCall[] = [];
    for await (const ev of events) {
      if (ev.type === "message_start") {
        input = ev.message.usage.input_tokens;
        output = ev.message.usage.output_tokens;
      } else if (ev.type === "message_delta") {
        stop = ev.delta.stop_reason ?? stop;
        output = ev.usage.output_tokens ?? output;
        if (ev.usage.input_tokens != null) input = ev.usage.input_tokens;
      } else if (ev.type === "content_block_start" && ev.content_block.type === "tool_use") {
        const index = calls.length;
        const { id, name } = ev.content_block;
        toolIndex.set(ev.index, index);
        calls.push({ id, name, arguments: "" });
        onDelta({ type: "tool-call-delta", index, id, name, argumentsDelta: "" });
      } else if (ev.type === "content_block_delta") {
        const d = ev.delta;
        if (d.type === "text_delta") {
          text += d.text;
          onDelta({ type: "text-delta", text: d.text });
        } else if (d.type === "thinking_delta") {
          reasoning += d.thinking;
          onDelta({ type: "reasoning-delta", text: d.thinking });
        } else if (d.type === "input_json_delta") {
          const index = toolIndex.get(ev.index);
          if (index === undefined) continue;
          calls[index].arguments += d.partial_json;
          onDelta({ type: "tool-call-delta", index, argumentsDelta: d.partial_json });
        }
      }
    }
    // A tool call with no input streams no JSON at all; the non-streaming answer would say {}.
    const toolCalls = calls.map((c) => (c.arguments === "" ? { ...c, arguments: "{}" } : c));
    return { text, reasoning, toolCalls, finishReason: mapStop(stop), usage: usage(input, output) };
  }

  return {
    name: config.name,
    async chat(request, options = {}) {
      const { signal, onDelta, onRequest } = options;
      try {
        return await withCallSignal(signal, async (own) => {
          if (onDelta) return stream(request, onDelta, { ...options, signal: own });
          const body = { ...params(request), stream: false as const };
          onRequest?.(() => body);
          return fromMessage(await (await getClient()).messages.create(body, { signal: own }));
        });
      } catch (e) {
        throw toProviderError(
          e,
          { provider: config.name, model: request.model, signal, ...config },
          await sdkErrors(),
        );
      }
    },
  };
}
