// Memory pressure: evicting the oldest in-context messages into the recursive summary. The eviction is
// its own transaction (committed before the step's model call), so a step that later fails keeps the
// smaller window; evicted messages stay in the store (recall) and stay searchable.
import { planEviction } from "../context/index.ts";
import { parseHandle } from "../llm/index.ts";
import { summarizeMessages } from "../memory/index.ts";
import type { AgentEvent } from "./events.ts";
import type { KernelDeps } from "./types.ts";
import type { MessageCache, StepView } from "./view.ts";

export interface EvictionResult {
  evicted: number;
  kept: number;
  summary: string;
}

/** Evicts per the agent's evictFraction and summarises; null when nothing can be evicted. */
export async function evictIntoSummary(
  deps: KernelDeps,
  cache: MessageCache,
  view: StepView,
  signal?: AbortSignal,
): Promise<EvictionResult | null> {
  const { agent } = view;
  const plan = planEviction(view.messages, agent.settings.evictFraction);
  if (plan.evicted.length === 0) return null;
  const provider = deps.providerFor(agent.model);
  const summary = await summarizeMessages(
    provider,
    parseHandle(agent.model).model,
    agent.summary,
    plan.evicted,
    {
      signal,
    },
  );
  signal?.throwIfAborted();
  const keptIds = plan.kept.map((m) => m.id);
  await deps.store.commitMessages(agent.id, [], {
    inContextMessageIds: keptIds,
    summary,
    pressureWarned: false,
  });
  await cache.load(deps.store, agent.id, keptIds);
  for (const ext of deps.extensions ?? []) await ext.onPressure?.(agent.id);
  return { evicted: plan.evicted.length, kept: keptIds.length, summary };
}

/** The context-pressure event of an eviction. */
export function evictEvent(
  runId: string,
  agentId: string,
  tokens: number,
  contextWindow: number,
  evicted: number,
): AgentEvent {
  return { type: "context-pressure", runId, agentId, action: "evict", tokens, contextWindow, evicted };
}
