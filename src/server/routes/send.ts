// Sending messages to an agent: Letta's body rules and the non-streaming LettaResponse (the SSE stream is
// in stream.ts). The run is not tied to the HTTP connection: a client that goes away leaves it to finish.
import type { Context } from "hono";
import { type ErrorCode, LmosError } from "../../errors.ts";
import { runInputSchemaOf, runOptionsSchema, validate } from "../../runtime/index.ts";
import type {
  AgentHandle,
  AgentInput,
  ApprovalInput,
  InputMessage,
  RunOptions,
} from "../../runtime/types.ts";
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

type Approval = { type?: unknown; approve?: unknown; tool_call_id?: unknown; reason?: unknown };

/** An approval message (Letta's ApprovalCreate) → the decisions; the legacy single `approve` answers every
 * pending call, since lmos keys the request by message, as that form does. */
async function approvalOf(
  m: NonNullable<SendMessageBody["messages"]>[number],
  handle: AgentHandle,
): Promise<ApprovalInput> {
  const raw = m as { approvals?: Approval[] | null; approve?: unknown; reason?: unknown };
  const where = "body.messages[0]";
  if (Array.isArray(raw.approvals) && raw.approvals.length > 0) {
    return {
      approvals: raw.approvals.map((a, i) => {
        if (a?.type === "tool" || (a && "tool_return" in a)) {
          throw new LmosError(
            "invalid_argument",
            `${where}.approvals[${i}]: client-side tool returns are not supported by lmos; approve or deny the call`,
          );
        }
        if (typeof a?.tool_call_id !== "string" || typeof a.approve !== "boolean") {
          throw new LmosError(
            "invalid_argument",
            `${where}.approvals[${i}]: give tool_call_id (string) and approve (boolean)`,
          );
        }
        return {
          toolCallId: a.tool_call_id,
          approve: a.approve,
          ...(typeof a.reason === "string" ? { reason: a.reason } : {}),
        };
      }),
    };
  }
  if (typeof raw.approve !== "boolean") {
    throw new LmosError(
      "invalid_argument",
      `${where}: give approvals[] (or the older approve + approval_request_id)`,
    );
  }
  const pending = (await handle.state()).record.pendingApproval;
  if (!pending) {
    throw new LmosError(
      "invalid_argument",
      "Cannot process approval response: no tool call is currently awaiting approval. Send a regular message to interact with the agent.",
    );
  }
  const reason = typeof raw.reason === "string" ? { reason: raw.reason } : {};
  return {
    approvals: pending.toolCalls.map((c) => ({
      toolCallId: c.id,
      approve: raw.approve as boolean,
      ...reason,
    })),
  };
}

/** The run input of a send body, checked with the library's schemas once (the trusted handle takes it as
 * it is): messages, or an approval of a paused run's calls (422 on bad shapes). */
export async function runInputOf(body: SendMessageBody, handle: AgentHandle): Promise<AgentInput> {
  const input = await lettaRunInput(body, handle);
  return validate(runInputSchemaOf(input), input, "input") as AgentInput;
}

/** The run options of a send body, checked with the library's schema. */
export function runOptionsOf(body: SendMessageBody, streamTokens?: boolean): RunOptions {
  const options = { maxSteps: body.max_steps ?? undefined, ...(streamTokens ? { streamTokens } : {}) };
  return validate(runOptionsSchema, options, "options") ?? {};
}

async function lettaRunInput(body: SendMessageBody, handle: AgentHandle): Promise<AgentInput> {
  const first = body.messages?.[0];
  if (first?.type === "approval") {
    if ((body.messages?.length ?? 0) > 1) {
      throw new LmosError(
        "invalid_argument",
        "body.messages: send the approval alone; follow-up messages go in the next request",
      );
    }
    return approvalOf(first, handle);
  }
  if (first?.type === "tool_return") {
    throw new LmosError(
      "invalid_argument",
      "body.messages[0]: client-side tool returns are not supported by lmos",
    );
  }
  return inputOf(body);
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

const PASSED_ON = new Set<string>(["no_provider", "provider_timeout", "unavailable", "conflict"]);

/** The answer to a run that failed before producing anything: an HTTP error the client must not retry. */
export function runFailed(
  c: Context,
  error: { code: string; message: string },
  stopReason: string,
  runId: string,
): Response {
  // The input is stored already: a retry would send it twice, so the client is told not to. A database
  // that became unreachable mid-run (503) or a lease lost to another replica (409) keeps its own code, and
  // says what was kept, since the store's own words ("nothing was stored") were about its last write only.
  const code = PASSED_ON.has(error.code) ? (error.code as ErrorCode) : "provider_error";
  const message =
    code === "unavailable" || code === "conflict"
      ? `${error.message.replace(/: (nothing was stored; try again|this step was not stored; send again)$/, "")}; ` +
        `run ${runId} stopped there: your message and the steps before are stored, so look at the run before sending again`
      : error.message;
  const { status, body } = describeError(new LmosError(code, message));
  return c.body(JSON.stringify({ ...body, stop_reason: stopReason, run_id: runId }), status as 502, {
    "content-type": "application/json",
    "x-should-retry": "false",
  });
}

/** Runs to completion and answers LettaResponse `{messages, stop_reason, usage}`. */
export async function sendPlain(c: Context, handle: AgentHandle, body: SendMessageBody): Promise<Response> {
  const input = await runInputOf(body, handle);
  const result = await handle.send(input, runOptionsOf(body));
  if (result.error) return runFailed(c, result.error, result.stopReason, result.runId);
  const keep = typeFilter(body);
  const messages = messagesToLetta(result.messages.filter(isRunOutput), result.replyMode).filter(keep);
  return c.json({
    messages,
    stop_reason: stopReasonOf(result.stopReason),
    usage: usageOf(result.usage, result.runId),
    logprobs: null,
    turns: null,
  });
}
