// Driver for OpenAI-compatible chat completions: OpenAI itself, Ollama, vLLM, llama.cpp server, LM Studio.
import OpenAI from "openai";
import type { Stream } from "openai/core/streaming";
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase } from "openai/resources/chat/completions";
import { LmosError } from "../errors.ts";
import { withCallSignal } from "./call-signal.ts";
import { nodeFetch } from "./node-fetch.ts";
import { chatBody } from "./openai-body.ts";
import { type CallContext, toProviderError } from "./provider-error.ts";
import type { ChatOptions, ChatRequest, ChatResponse, Provider, ToolCall } from "./types.ts";

/** How to reach one OpenAI-compatible server. */
export interface DriverConfig {
  /** Provider name reported by the driver (the handle's prefix). */
  name: string;
  apiKey: string;
  baseURL: string;
  maxRetries: number;
  timeoutMs: number;
}

function mapFinish(reason: string | null | undefined, hasToolCalls: boolean): ChatResponse["finishReason"] {
  // Some local servers say "stop" even when they return tool calls; the calls are what matters.
  if (hasToolCalls && (reason === "stop" || reason === "tool_calls" || !reason)) return "tool_calls";
  switch (reason) {
    case "stop":
      return "stop";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

function usageOf(u: OpenAI.CompletionUsage | null | undefined): ChatResponse["usage"] {
  const promptTokens = u?.prompt_tokens ?? 0;
  const completionTokens = u?.completion_tokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: u?.total_tokens ?? promptTokens + completionTokens };
}

/** Reasoning text: `reasoning_content` (DeepSeek, vLLM, llama.cpp) or `reasoning` (Ollama, OpenRouter). */
function reasoningOf(x: unknown): string {
  const r = (x as { reasoning_content?: unknown; reasoning?: unknown }) ?? {};
  if (typeof r.reasoning_content === "string") return r.reasoning_content;
  return typeof r.reasoning === "string" ? r.reasoning : "";
}

const JSON_HEADERS = { "content-type": "application/json" };

/** A Provider that speaks OpenAI chat completions. */
export function createOpenAICompatibleProvider(config: DriverConfig): Provider {
  const client = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    maxRetries: config.maxRetries,
    timeout: config.timeoutMs,
    fetch: nodeFetch,
  });

  // Every field but messages and tools, which chatBody encodes from its per-object caches.
  type Rest = Omit<ChatCompletionCreateParamsBase, "messages" | "tools">;
  function params(request: ChatRequest): Rest {
    const p: Rest = { model: request.model };
    if (request.tools && request.tools.length > 0 && request.toolChoice) p.tool_choice = request.toolChoice;
    if (request.maxOutputTokens !== undefined) {
      // Reasoning models reject max_tokens; local servers may not know max_completion_tokens.
      if (/^(o\d|gpt-5)/.test(request.model)) p.max_completion_tokens = request.maxOutputTokens;
      else p.max_tokens = request.maxOutputTokens;
    }
    if (request.temperature !== undefined) p.temperature = request.temperature;
    return p;
  }

  /** POST /chat/completions with the JSON bytes of the request (the same call chat.completions.create
   * makes, with the SDK's retries, timeouts and errors). */
  function post(request: ChatRequest, rest: Rest, options: ChatOptions) {
    const { signal, onRequest } = options;
    const body = chatBody(rest, request.messages, request.tools);
    onRequest?.(() => JSON.parse(body.toString("utf8")));
    return client.post("/chat/completions", {
      body,
      headers: JSON_HEADERS,
      signal,
      stream: rest.stream ?? false,
    });
  }

  async function complete(request: ChatRequest, options: ChatOptions): Promise<ChatResponse> {
    const r = (await post(request, { ...params(request), stream: false }, options)) as OpenAI.ChatCompletion;
    const choice = r.choices[0];
    const toolCalls: ToolCall[] = (choice?.message.tool_calls ?? []).flatMap((c, i) =>
      c.type === "function"
        ? [{ id: c.id || `call_${i}`, name: c.function.name, arguments: c.function.arguments ?? "" }]
        : [],
    );
    return {
      text: choice?.message.content ?? "",
      reasoning: reasoningOf(choice?.message),
      toolCalls,
      finishReason: mapFinish(choice?.finish_reason, toolCalls.length > 0),
      usage: usageOf(r.usage),
    };
  }

  async function stream(
    request: ChatRequest,
    onDelta: NonNullable<ChatOptions["onDelta"]>,
    options: ChatOptions,
  ): Promise<ChatResponse> {
    const rest = { ...params(request), stream: true, stream_options: { include_usage: true } };
    const s = (await post(request, rest, options)) as Stream<ChatCompletionChunk>;
    let text = "";
    let reasoning = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const calls: ToolCall[] = [];
    for await (const chunk of s) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.finish_reason) finish = choice.finish_reason;
      const d = choice.delta;
      if (!d) continue;
      const think = reasoningOf(d);
      if (think) {
        reasoning += think;
        onDelta({ type: "reasoning-delta", text: think });
      }
      if (d.content) {
        text += d.content;
        onDelta({ type: "text-delta", text: d.content });
      }
      for (const t of d.tool_calls ?? []) {
        calls[t.index] ??= { id: "", name: "", arguments: "" };
        const call = calls[t.index];
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name += t.function.name;
        const argumentsDelta = t.function?.arguments ?? "";
        call.arguments += argumentsDelta;
        onDelta({
          type: "tool-call-delta",
          index: t.index,
          id: t.id,
          name: t.function?.name,
          argumentsDelta,
        });
      }
    }
    if (finish === null) {
      // The stream ended cleanly but early (a proxy or the server cut it): what arrived is not the reply.
      throw new LmosError(
        "provider_error",
        `the stream from ${config.name}/${request.model} ended before the model finished (no finish_reason); nothing of this step was stored`,
      );
    }
    const toolCalls = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
    return {
      text,
      reasoning,
      toolCalls,
      finishReason: mapFinish(finish, toolCalls.length > 0),
      usage: usageOf(usage),
    };
  }

  return {
    name: config.name,
    async chat(request, options = {}) {
      const { signal, onDelta } = options;
      try {
        return await withCallSignal(signal, (own) => {
          const call = { ...options, signal: own };
          return onDelta ? stream(request, onDelta, call) : complete(request, call);
        });
      } catch (e) {
        const ctx: CallContext = { provider: config.name, model: request.model, signal, ...config };
        throw toProviderError(e, ctx);
      }
    },
  };
}
