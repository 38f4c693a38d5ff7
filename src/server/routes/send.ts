// Sending messages to an agent: Letta's body rules and the non-streaming LettaResponse (the SSE stream is
// in stream.ts). The run is not tied to the HTTP connection: a client that goes away leaves it to finish.
import type { Context } from "hono";
import { LmosError } from "../../errors.ts";
import type { AgentHandle, InputMessage } from "../../runtime/types.ts";
import { describeError } from "../http-error.ts";
import { isRunOutput, type LettaMessage, messagesToLetta, stopReasonOf, usageOf } from "../letta/messages.ts";
import type { SendMessageBody } from "../schemas/messages.ts";

/** Milliseconds between keepalive pings (Letta: 30 s). */
export const PING_MS = 30_000;

type Content = NonNullable<SendMessageBody["input"]>;

function textOfContent(content: Content | undefined, where: string): string {
  if (content === undefined) throw new LmosError("invalid_argument", `${where}: content is required`);
  if (typeof content === "string") return content;
  return content
    .map((p, i) => {
      if (p.type !== "text" || typeof p.text !== "string") {
        throw new LmosError(
          "invalid_argument",
          `${where}[${i}]: only text content is supported (got "${p.type}")`,
        );
      }
      return p.text;
    })
    .join("");
}

/** The run input of a send body: exactly one of `messages` and `input`, non-empty (422 otherwise). */
export function inputOf(body: SendMessageBody): InputMessage[] {
  const hasMessages = body.messages != null;
  const hasInput = body.input != null;
  if (hasMessages === hasInput) {
    throw new LmosError("invalid_argument", "body: give exactly one of `messages` and `input`");
  }
  if (hasInput) {
    const text = textOfContent(body.input ?? undefined, "body.input");
    if (!text.trim()) throw new LmosError("invalid_argument", "body.input: the message is empty");
    return [{ role: "user", content: text }];
  }
  const messages = body.messages ?? [];
  if (!messages.length) throw new LmosError("invalid_argument", "body.messages: give at least one message");
  return messages.map((m, i) => {
    const where = `body.messages[${i}]`;
    if (m.type && m.type !== "message") {
      throw new LmosError("invalid_argument", `${where}.type: "${m.type}" messages are not supported`);
    }
    const content = textOfContent(m.content, `${where}.content`);
    return { role: m.role ?? "user", content, ...(m.name ? { name: m.name } : {}) };
  });
}

/** Letta's rules for the streaming flags of POST …/messages (the /stream route always streams). */
export function checkStreamFlags(body: SendMessageBody, streaming: boolean): void {
  if (streaming) return;
  if (body.stream_tokens)
    throw new LmosError("invalid_argument", "body.stream_tokens: requires streaming=true");
  if (body.include_pings === false) {
    throw new LmosError("invalid_argument", "body.include_pings: only applies when streaming=true");
  }
  if (body.background) throw new LmosError("invalid_argument", "body.background: requires streaming=true");
}

/** The message-type filter of `include_return_message_types`. */
export function typeFilter(body: SendMessageBody): (m: LettaMessage) => boolean {
  const types = body.include_return_message_types;
  if (!types) return () => true;
  const set = new Set<string>(types);
  return (m) => set.has(m.message_type);
}

/** The answer to a run that failed before producing anything: an HTTP error the client must not retry. */
export function runFailed(
  c: Context,
  error: { code: string; message: string },
  stopReason: string,
  runId: string,
): Response {
  // The input is stored already: a retry would send it twice, so the client is told not to.
  const code =
    error.code === "no_provider" || error.code === "provider_timeout" ? error.code : "provider_error";
  const { status, body } = describeError(new LmosError(code, error.message));
  return c.body(JSON.stringify({ ...body, stop_reason: stopReason, run_id: runId }), status as 502, {
    "content-type": "application/json",
    "x-should-retry": "false",
  });
}

/** Runs to completion and answers LettaResponse `{messages, stop_reason, usage}`. */
export async function sendPlain(c: Context, handle: AgentHandle, body: SendMessageBody): Promise<Response> {
  const input = inputOf(body);
  const result = await handle.send(input, { maxSteps: body.max_steps ?? undefined });
  if (result.error) return runFailed(c, result.error, result.stopReason, result.runId);
  const keep = typeFilter(body);
  const replyMode = result.agent.record.settings.replyMode;
  const messages = messagesToLetta(result.messages.filter(isRunOutput), replyMode).filter(keep);
  return c.json({
    messages,
    stop_reason: stopReasonOf(result.stopReason),
    usage: usageOf(result.usage, result.runId),
    logprobs: null,
    turns: null,
  });
}
