// The context window: what fills it, section by section, against the window and the pressure thresholds;
// the compiled system prompt and the recursive summary as the model sees them.
import { ContextBar } from "../components/context-bar.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { useAgentData } from "../lib/agent-data.tsx";
import { int } from "../lib/format.ts";

/** The context page. */
export function ContextPage() {
  const { context } = useAgentData();
  const c = context.data;
  return (
    <div class="page narrow-page">
      <ErrorNote error={context.error} />
      {c ? (
        <>
          <div class="card">
            <ContextBar context={c} />
          </div>
          <dl class="facts">
            <div>
              <dt>Messages in the window</dt>
              <dd class="num">{int(c.num_messages)}</dd>
            </div>
            <div>
              <dt>Messages in recall (outside the window)</dt>
              <dd class="num">{int(c.num_recall_memory)}</dd>
            </div>
            <div>
              <dt>Archival passages</dt>
              <dd class="num">{int(c.num_archival_memory)}</dd>
            </div>
          </dl>
          <p class="lede">
            Past the warning threshold the model is told to save what matters; at the eviction threshold the
            oldest messages are folded into the recursive summary and stay searchable in recall.
          </p>
          <details class="card">
            <summary>
              Compiled system prompt ({int(c.num_tokens_system + c.num_tokens_core_memory)} tokens)
            </summary>
            <pre class="prompt">{c.system_prompt}</pre>
          </details>
          <details class="card">
            <summary>Recursive summary ({int(c.num_tokens_summary_memory)} tokens)</summary>
            <pre class="prompt">{c.summary_memory || "No summary yet: nothing has been evicted."}</pre>
          </details>
        </>
      ) : (
        <p class="muted">Loading…</p>
      )}
    </div>
  );
}
