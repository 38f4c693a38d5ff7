// Runs and steps → Letta's Run and Step shapes (@letta-ai/letta-client: agents/messages.ts `Run`,
// steps/steps.ts `Step`). Fields lmos has no notion of (callbacks, templates, conversations) are null.
import type { StepTraceView } from "../../runtime/index.ts";
import type { RunChain, RunRecord, StepRecord } from "../../store/types.ts";

type Json = Record<string, unknown>;

/** A chained run's place, in Letta's run metadata (Letta puts `run_type` there; the rest is lmos's). */
function chainMetadata(c: RunChain): Json {
  const runType: Record<string, string> = {
    agent_message: "agent_send_message_to_agent",
    sleeptime: "sleeptime_agent_send_message_async",
    group: "group_turn",
    schedule: "scheduled_message",
  };
  return {
    run_type: runType[c.kind] ?? c.kind,
    chain_id: c.id,
    chain_depth: c.depth,
    parent_run_id: c.parentRunId,
    sender_agent_id: c.senderAgentId,
    ...(c.origin ? { origin_id: c.origin } : {}),
  };
}

/** Letta's Run. */
export function runToLetta(r: RunRecord): Json {
  const ms = r.completedAt ? Date.parse(r.completedAt) - Date.parse(r.createdAt) : Number.NaN;
  return {
    id: r.id,
    agent_id: r.agentId,
    status: r.status,
    stop_reason: r.stopReason,
    created_at: r.createdAt,
    completed_at: r.completedAt,
    total_duration_ns: Number.isFinite(ms) && ms >= 0 ? Math.round(ms * 1e6) : null,
    ttft_ns: null,
    background: null,
    metadata: r.chain ? chainMetadata(r.chain) : null,
    request_config: null,
    conversation_id: null,
    base_template_id: null,
    callback_url: null,
    callback_sent_at: null,
    callback_status_code: null,
    callback_error: null,
  };
}

/** Letta's Step (without its messages: GET /v1/runs/{id}/messages has them). */
export function stepToLetta(s: StepRecord): Json {
  return {
    id: s.id,
    agent_id: s.agentId,
    run_id: s.runId,
    model: s.model.slice(s.model.indexOf("/") + 1),
    model_handle: s.model,
    prompt_tokens: s.usage.promptTokens,
    completion_tokens: s.usage.completionTokens,
    total_tokens: s.usage.totalTokens,
    status: "success",
    stop_reason: null,
    tags: [],
    created_at: s.createdAt,
  };
}

/** Letta's ProviderTrace of a step: the request body exactly as the driver sent it, and the answer as lmos
 * read it (text, reasoning, tool calls, finish reason, usage; not the provider's raw bytes). */
export function traceToLetta(t: StepTraceView): Json {
  const r = t.response;
  return {
    id: `provider_trace-${t.stepId.replace(/^step-/, "")}`,
    step_id: t.stepId,
    run_id: t.runId,
    agent_id: t.agentId,
    call_type: "agent_step",
    source: "lmos",
    llm_config: { model: t.model.slice(t.model.indexOf("/") + 1), handle: t.model },
    request_json: t.request ?? {},
    response_json: {
      text: r.text,
      reasoning: r.reasoning,
      tool_calls: r.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
      finish_reason: r.finishReason,
      usage: {
        prompt_tokens: r.usage.promptTokens,
        completion_tokens: r.usage.completionTokens,
        total_tokens: r.usage.totalTokens,
      },
    },
    created_at: t.createdAt,
  };
}
