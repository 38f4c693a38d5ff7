// The context window as one bar: tokens by section against the window, with the memory-pressure warning
// and eviction thresholds marked. The legend holds the same figures as text (what a screen reader, and a
// test, reads); the bar's size never changes, so updating it each step moves nothing around it.
import { useId } from "preact/hooks";
import type { ContextOverview } from "../api/types.ts";
import { int, pct } from "../lib/format.ts";

/** The sections, in the order the prompt is laid out. */
export const SECTIONS = [
  { key: "system", label: "System", of: (c: ContextOverview) => c.num_tokens_system },
  { key: "tools", label: "Tools", of: (c: ContextOverview) => c.num_tokens_functions_definitions },
  { key: "core", label: "Core memory", of: (c: ContextOverview) => c.num_tokens_core_memory },
  { key: "summary", label: "Summary", of: (c: ContextOverview) => c.num_tokens_summary_memory },
  { key: "files", label: "Files", of: (c: ContextOverview) => c.num_tokens_files ?? 0 },
  { key: "messages", label: "Messages", of: (c: ContextOverview) => c.num_tokens_messages },
] as const;

/** The bar with its legend; `compact` drops the per-section percentages. */
export function ContextBar({ context, compact = false }: { context: ContextOverview; compact?: boolean }) {
  const titleId = useId();
  const max = context.context_window_size_max;
  const used = context.context_window_size_current;
  const share = (n: number) => `${Math.min(100, (100 * n) / max)}%`;
  const warn = context.num_tokens_warn_threshold;
  const evict = context.num_tokens_evict_threshold;
  const level = evict && used >= evict ? "full" : warn && used > warn ? "warn" : "ok";
  return (
    <figure class={`context-bar level-${level}`} aria-labelledby={titleId}>
      <figcaption id={titleId} class="context-bar-title">
        <span>Context window</span>
        <span class="num" data-testid="context-total">
          {int(used)} / {int(max)} tokens · {pct(used, max)}
        </span>
      </figcaption>
      <div class="bar" aria-hidden="true">
        {SECTIONS.map((s) => (
          <span key={s.key} class={`seg seg-${s.key}`} style={{ width: share(s.of(context)) }} />
        ))}
        {warn ? <span class="mark mark-warn" style={{ left: share(warn) }} /> : null}
        {evict ? <span class="mark mark-evict" style={{ left: share(evict) }} /> : null}
      </div>
      <dl class={compact ? "legend compact" : "legend"}>
        {SECTIONS.map((s) => (
          <div key={s.key} class="legend-item" data-section={s.key}>
            <dt>
              <span class={`swatch seg-${s.key}`} aria-hidden="true" />
              {s.label}
            </dt>
            <dd class="num">
              {int(s.of(context))}
              {compact ? null : <span class="muted"> · {pct(s.of(context), max)}</span>}
            </dd>
          </div>
        ))}
        {warn ? (
          <div class="legend-item threshold" data-section="warn">
            <dt>
              <span class="swatch mark-warn" aria-hidden="true" />
              Pressure warning at
            </dt>
            <dd class="num">{int(warn)}</dd>
          </div>
        ) : null}
        {evict && !compact ? (
          <div class="legend-item threshold" data-section="evict">
            <dt>
              <span class="swatch mark-evict" aria-hidden="true" />
              Eviction at
            </dt>
            <dd class="num">{int(evict)}</dd>
          </div>
        ) : null}
      </dl>
    </figure>
  );
}
