// The Provider contract: one chat call, optionally streamed, with tool calls and usage.
// Drivers live beside this file (openai-compatible, anthropic); runtime picks one by handle.
import type { Usage } from "../store/types.ts";

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string };

export interface ToolCall {
  id: string;
  name: string;
  /** Raw argument text as the model produced it; the kernel parses and validates it. */
  arguments: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  /** Model name without the provider prefix ("gpt-4o-mini", not "openai/gpt-4o-mini"). */
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolChoice?: "auto" | "required" | "none";
  maxOutputTokens?: number;
  temperature?: number;
}

/** Token-level deltas, delivered while the model is still answering. */
export type ChatDelta =
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-call-delta"; index: number; id?: string; name?: string; argumentsDelta: string };

export interface ChatResponse {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: "stop" | "tool_calls" | "length" | "content_filter" | "other";
  usage: Usage;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** When given, the driver streams and calls this for every delta; the result is the same either way. */
  onDelta?: (delta: ChatDelta) => void;
  /** Called once with the request body as the driver sends it on the wire, as a thunk: the body is decoded
   * only when someone asks (the step trace a UI shows), so recording it costs nothing per step. */
  onRequest?: (body: () => unknown) => void;
}

export interface Provider {
  /** Provider name of the handle, e.g. "openai" or "anthropic". */
  readonly name: string;
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResponse>;
}

export interface ModelInfo {
  handle: string;
  provider: string;
  model: string;
  contextWindow: number;
  /** True when the window comes from the table of known models, false when it is the default. */
  known: boolean;
}
