// Runs and steps: every run of the agent with its status and stop reason; a run's steps with their usage
// and the exact request each sent to the model (Letta's provider trace), and what came back.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { ProviderTrace, Run, Step } from "../api/types.ts";
import { ErrorNote } from "../components/error-note.tsx";
import { useAgentData } from "../lib/agent-data.tsx";
import { duration, int, prettyJson, when } from "../lib/format.ts";
import { useLoad } from "../lib/use-load.ts";

interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ function?: { name?: string; arguments?: string } }>;
  tool_call_id?: string;
}

function contentOf(m: WireMessage): string {
  if (typeof m.content === "string") return m.content;
  if (Array.isArray(m.content)) {
    return m.content
      .map((p) => (typeof p === "object" && p && "text" in p ? String(p.text) : JSON.stringify(p)))
      .join("\n");
  }
  return "";
}

function RequestView({ trace }: { trace: ProviderTrace }) {
  const req = trace.request_json as {
    model?: string;
    messages?: WireMessage[];
    tools?: unknown[];
    system?: unknown;
  };
  const [raw, setRaw] = useState(false);
  const messages = req.messages ?? [];
  const res = trace.response_json;
  return (
    <div class="trace" data-testid="trace">
      <div class="trace-head">
        <span>
          Request to <code>{req.model}</code> · {messages.length} messages · {(req.tools ?? []).length} tools
        </span>
        <button type="button" class="quiet small" aria-pressed={raw} onClick={() => setRaw(!raw)}>
          {raw ? "Show messages" : "Show raw JSON"}
        </button>
      </div>
      {raw ? (
        <pre class="prompt" data-testid="trace-raw">
          {JSON.stringify(trace.request_json, null, 2)}
        </pre>
      ) : (
        <ol class="wire-messages">
          {typeof req.system === "string" ? (
            <li class="wire wire-system">
              <span class="wire-role">system</span>
              <pre>{req.system}</pre>
            </li>
          ) : null}
          {messages.map((m, i) => (
            <li key={i} class={`wire wire-${m.role}`}>
              <span class="wire-role">
                {m.role}
                {m.tool_call_id ? ` · ${m.tool_call_id}` : ""}
              </span>
              {contentOf(m) ? <pre>{contentOf(m)}</pre> : null}
              {(m.tool_calls ?? []).map((c, j) => (
                <pre key={j}>
                  {c.function?.name}({prettyJson(c.function?.arguments ?? "")})
                </pre>
              ))}
            </li>
          ))}
        </ol>
      )}
      <h4>Answer</h4>
      <div class="wire wire-assistant">
        <span class="wire-role">
          {res.finish_reason} · {int(res.usage.prompt_tokens)} in / {int(res.usage.completion_tokens)} out
        </span>
        {res.reasoning ? <pre>{res.reasoning}</pre> : null}
        {res.text ? <pre>{res.text}</pre> : null}
        {res.tool_calls.map((c) => (
          <pre key={c.id}>
            {c.name}({prettyJson(c.arguments)})
          </pre>
        ))}
      </div>
    </div>
  );
}

function StepView({ step, index }: { step: Step; index: number }) {
  const [trace, setTrace] = useState<ProviderTrace | null | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  return (
    <li class="step" data-step={step.id}>
      <details
        onToggle={(e) => {
          if ((e.currentTarget as HTMLDetailsElement).open && trace === undefined) {
            api<ProviderTrace | null>("GET", `steps/${seg(step.id)}/trace`).then(setTrace, setError);
          }
        }}
      >
        <summary>
          <span>Step {index + 1}</span>
          <span class="num muted">
            {int(step.prompt_tokens)} prompt + {int(step.completion_tokens)} completion ={" "}
            {int(step.total_tokens)} tokens
          </span>
          <code class="muted">{step.model_handle}</code>
        </summary>
        <ErrorNote error={error} />
        {trace === undefined && !error ? <p class="muted">Loading the request…</p> : null}
        {trace === null ? (
          <p class="muted">
            This server no longer keeps this step's request: it keeps the newest LMOS_STEP_TRACES (default
            200) steps it ran itself since it started.
          </p>
        ) : null}
        {trace ? <RequestView trace={trace} /> : null}
      </details>
    </li>
  );
}

function RunDetail({ run }: { run: Run }) {
  const steps = useLoad(
    (signal) => api<Step[]>("GET", `runs/${seg(run.id)}/steps`, { query: { order: "asc" }, signal }),
    [run.id],
  );
  const usage = (steps.data ?? []).reduce((n, s) => n + s.total_tokens, 0);
  return (
    <section class="card run-detail" aria-labelledby="run-title">
      <h2 id="run-title">
        Run <code>{run.id}</code>
      </h2>
      <p class="muted">
        {run.status} · {run.stop_reason ?? "–"} · {duration(run.total_duration_ns)} · {int(usage)} tokens in{" "}
        {steps.data?.length ?? "…"} steps
      </p>
      <ErrorNote error={steps.error} />
      <ol class="steps-list">
        {(steps.data ?? []).map((s, i) => (
          <StepView key={s.id} step={s} index={i} />
        ))}
      </ol>
    </section>
  );
}

/** The runs page. */
export function RunsPage() {
  const { agentId } = useAgentData();
  const runs = useLoad(
    (signal) => api<Run[]>("GET", "runs/", { query: { agent_id: agentId, limit: 100 }, signal }),
    [agentId],
  );
  const [selected, setSelected] = useState<string | null>(null);
  const run = (runs.data ?? []).find((r) => r.id === selected) ?? runs.data?.[0] ?? null;
  return (
    <div class="page runs-layout">
      <div class="runs-list">
        <div class="page-head">
          <h2>Runs</h2>
          <button type="button" class="quiet small" onClick={() => void runs.reload()}>
            Refresh
          </button>
        </div>
        <ErrorNote error={runs.error} />
        {runs.data?.length === 0 ? <p class="muted">No runs yet.</p> : null}
        <ul class="pick-list">
          {(runs.data ?? []).map((r) => (
            <li key={r.id}>
              <button
                type="button"
                class={r.id === run?.id ? "pick selected" : "pick"}
                aria-current={r.id === run?.id}
                onClick={() => setSelected(r.id)}
              >
                <span class={`status status-${r.status}`}>{r.status}</span>
                <span>{when(r.created_at)}</span>
                <span class="muted">{r.stop_reason ?? ""}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      {run ? <RunDetail key={run.id} run={run} /> : null}
    </div>
  );
}
