// The scripted model: a real HTTP server on 127.0.0.1 that speaks OpenAI chat completions (plain and SSE),
// Anthropic messages and OpenAI embeddings, answering from a queue of scripted replies. Every test that
// needs an LLM runs the production driver against this server; no test calls a hosted model.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  recordAnthropicRequest,
  writeAnthropicError,
  writeAnthropicMessage,
  writeAnthropicStream,
} from "./fixtures/scripted-model/anthropic-wire.ts";
import { scriptedEmbedding, toBase64 } from "./fixtures/scripted-model/embeddings.ts";
import {
  recordOpenAIRequest,
  writeOpenAICompletion,
  writeOpenAIError,
  writeOpenAIStream,
} from "./fixtures/scripted-model/openai-wire.ts";
import {
  estimateTokens,
  type RecordedEmbeddingRequest,
  type RecordedRequest,
  resolveReply,
  type ScriptedReply,
  type ScriptedReplyObject,
} from "./fixtures/scripted-model/types.ts";

export { scriptedEmbedding } from "./fixtures/scripted-model/embeddings.ts";
export type {
  RecordedEmbeddingRequest,
  RecordedMessage,
  RecordedRequest,
  ScriptedReply,
  ScriptedReplyObject,
} from "./fixtures/scripted-model/types.ts";

export interface ScriptedModelOptions {
  replies?: ScriptedReply[];
  /** Answers requests once the queue is empty; without it the answer is the plain text "ok". */
  fallback?: (req: RecordedRequest) => ScriptedReplyObject;
  /** Dimensions of the embeddings served on /v1/embeddings (default 64). */
  embeddingDim?: number;
  /** Port to listen on (default: a random free port). */
  port?: number;
  /** Keep only the latest this many recorded requests (default: all). A long-running standalone server
   * (benchmarks) would otherwise hold every request body it ever got. */
  keepRequests?: number;
}

export interface ScriptedModel {
  /** Base URL ending in /v1: use as OPENAI_BASE_URL. */
  url: string;
  /** Base URL without /v1: use as ANTHROPIC_BASE_URL (the Anthropic SDK appends /v1/messages). */
  anthropicUrl: string;
  /** Every chat request (OpenAI and Anthropic), in arrival order. */
  requests: RecordedRequest[];
  embeddingRequests: RecordedEmbeddingRequest[];
  /** Queues replies; each chat request consumes one. */
  push(...replies: ScriptedReply[]): void;
  /** How many queued replies are left. */
  pending(): number;
  chatRequests(): RecordedRequest[];
  /** The system text of the latest chat request ("" if none). */
  lastSystemPrompt(): string;
  close(): Promise<void>;
}

/** A reply that calls `send_message` with `message`, the way a MemGPT agent answers the user. */
export function sendMessageReply(message: string, extra: Record<string, unknown> = {}): ScriptedReplyObject {
  return { toolCalls: [{ name: "send_message", arguments: { message, ...extra } }] };
}

/** A reply that calls one tool with the given arguments. */
export function toolCallReply(name: string, args: string | Record<string, unknown>): ScriptedReplyObject {
  return { toolCalls: [{ name, arguments: args }] };
}

async function readBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Waits `ms`, resolving early (false) if the client goes away meanwhile. */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    res.on("close", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** Starts the scripted model on 127.0.0.1. */
export async function startScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  const queue: ScriptedReply[] = [...(options.replies ?? [])];
  const requests: RecordedRequest[] = [];
  const embeddingRequests: RecordedEmbeddingRequest[] = [];
  const dim = options.embeddingDim ?? 64;

  async function answerChat(api: "openai" | "anthropic", req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const record =
      api === "openai" ? recordOpenAIRequest(body, req.headers) : recordAnthropicRequest(body, req.headers);
    requests.push(record);
    const keep = options.keepRequests;
    if (keep !== undefined && requests.length > 2 * keep) requests.splice(0, requests.length - keep);
    const next = queue.shift();
    const reply: ScriptedReplyObject =
      next === undefined
        ? (options.fallback?.(record) ?? { content: "ok" })
        : typeof next === "function"
          ? next(record)
          : next;
    if (reply.delayMs && !(await wait(reply.delayMs, res))) return;
    if (reply.fault === "reset-socket") {
      req.socket.resetAndDestroy();
      return;
    }
    if (reply.status && reply.status >= 400) {
      if (api === "openai") writeOpenAIError(res, reply.status, reply.errorBody, reply.errorHeaders);
      else writeAnthropicError(res, reply.status, reply.errorBody);
      return;
    }
    const resolved = resolveReply(reply, record);
    if (api === "openai") {
      (record.stream ? writeOpenAIStream : writeOpenAICompletion)(res, record, resolved, reply.fault);
    } else {
      (record.stream ? writeAnthropicStream : writeAnthropicMessage)(res, record, resolved);
    }
  }

  async function answerEmbeddings(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const input: string[] = typeof body.input === "string" ? [body.input] : (body.input ?? []);
    embeddingRequests.push({ model: String(body.model ?? ""), input, body });
    const base64 = body.encoding_format === "base64";
    const data = input.map((text, index) => {
      const v = scriptedEmbedding(String(text), dim);
      return { object: "embedding", index, embedding: base64 ? toBase64(v) : Array.from(v) };
    });
    const tokens = input.reduce((n, t) => n + estimateTokens(String(t)), 0);
    sendJson(res, 200, {
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    // Accept /v1/x, /x and /v1/v1/x alike, so either base URL convention works for either SDK.
    const path = (req.url ?? "/").split("?")[0].replace(/^(\/v1)+(?=\/)/, "");
    if (req.method === "POST" && path === "/chat/completions") return answerChat("openai", req, res);
    if (req.method === "POST" && path === "/messages") return answerChat("anthropic", req, res);
    if (req.method === "POST" && path === "/embeddings") return answerEmbeddings(req, res);
    if (req.method === "GET" && path === "/models") {
      return sendJson(res, 200, {
        object: "list",
        data: [{ id: "scripted", object: "model", created: 0, owned_by: "lmos" }],
      });
    }
    sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: "not_found" } });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 400, { error: { message: String(e), type: "invalid_request" } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    anthropicUrl: origin,
    requests,
    embeddingRequests,
    push: (...replies) => void queue.push(...replies),
    pending: () => queue.length,
    chatRequests: () => [...requests],
    lastSystemPrompt: () => requests.at(-1)?.system ?? "",
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
