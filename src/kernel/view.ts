// What one step sees: the agent, its blocks and tools, the in-context messages, the counts for the memory
// metadata, and the compiled context. In-context messages are cached per agent (messages never change once
// stored), so a step reads only the messages that entered the window since the last step.
import { compileContext, WindowMemo } from "../context/index.ts";
import { createTokenCounter } from "../llm/index.ts";
import type { ChatMessage } from "../llm/types.ts";
import type { AgentRecord, BlockRecord, MessageRecord, Store } from "../store/types.ts";
import { LmosError } from "../errors.ts";
import { renderToolRules } from "./tool-rules.ts";
import { resolveTools, type ResolvedTool } from "./tool-specs.ts";
import type { KernelDeps } from "./types.ts";

interface CachedWindow {
  byId: Map<string, MessageRecord>;
  /** The ids and records of the last window loaded (aligned: no id of it was missing). */
  ids: string[];
  records: MessageRecord[];
  /** The compiler's per-window memo (token sums, chat messages) for this agent. */
  memo: WindowMemo;
}

/** The in-context window of each agent, as records, reused across steps. */
export class MessageCache {
  private readonly byAgent = new Map<string, CachedWindow>();

  private entry(agentId: string): CachedWindow {
    let e = this.byAgent.get(agentId);
    if (!e) {
      e = { byId: new Map(), ids: [], records: [], memo: new WindowMemo() };
      this.byAgent.set(agentId, e);
    }
    return e;
  }

  /** The records of `ids` in order; fetches only those not cached, and prunes what left the window. */
  async load(store: Store, agentId: string, ids: string[]): Promise<MessageRecord[]> {
    const e = this.entry(agentId);
    const cached = e.byId;
    // A step's window is the last one plus a few appended ids: reuse the common prefix as is (id
    // comparisons only) and look up the rest, instead of a map lookup per message per step.
    const last = e.ids;
    const n = Math.min(ids.length, last.length);
    let p = 0;
    while (p < n && ids[p] === last[p]) p++;
    const missing: string[] = [];
    for (let i = p; i < ids.length; i++) if (!cached.has(ids[i])) missing.push(ids[i]);
    if (missing.length > 0) for (const m of await store.getMessages(missing)) cached.set(m.id, m);
    const out: MessageRecord[] = e.records.slice(0, p);
    for (let i = p; i < ids.length; i++) {
      const m = cached.get(ids[i]);
      if (m) out.push(m); // a message deleted from the store meanwhile simply leaves the window
    }
    e.ids = out.length === ids.length ? ids.slice() : out.map((m) => m.id);
    e.records = out;
    // Prune only once enough has left the window (after an eviction or reset), not every step.
    if (cached.size > out.length + 256) e.byId = new Map(out.map((m) => [m.id, m]));
    return out.slice();
  }

  /** Adds records just committed (so the next step need not read them back). */
  remember(agentId: string, messages: MessageRecord[]): void {
    const e = this.byAgent.get(agentId);
    if (e) for (const m of messages) e.byId.set(m.id, m);
  }

  /** The compiler memo of the agent's window (see compileContext). */
  memo(agentId: string): WindowMemo {
    return this.entry(agentId).memo;
  }

  forget(agentId: string): void {
    this.byAgent.delete(agentId);
  }
}

export interface StepView {
  agent: AgentRecord;
  blocks: BlockRecord[];
  tools: Map<string, ResolvedTool>;
  messages: MessageRecord[];
  contextWindow: number;
  counts: { recallMessages: number; archivalPassages: number; archivalTags: string[] };
  extraSections: Array<{ name: string; text: string }>;
  /** The compiler memo of this agent's window (absent: compile from scratch). */
  memo?: WindowMemo;
}

export interface CompiledView {
  chat: ChatMessage[];
  systemPrompt: string;
  breakdown: ReturnType<typeof compileContext>["breakdown"];
}

/** Loads everything a step needs from the store. */
export async function loadView(deps: KernelDeps, cache: MessageCache, agentId: string): Promise<StepView> {
  const agent = await deps.store.getAgent(agentId);
  if (!agent) throw new LmosError("not_found", `agent ${agentId} not found (was it deleted during the run?)`);
  const [blocks, toolRecords, messages, total, archivalPassages, archivalTags, extraSections] =
    await Promise.all([
      deps.store.agentBlocks(agentId),
      deps.store.agentTools(agentId),
      cache.load(deps.store, agentId, agent.inContextMessageIds),
      deps.store.countMessages(agentId),
      deps.store.countPassages({ agentId }),
      deps.store.passageTags(agentId),
      renderExtensions(deps, agentId),
    ]);
  return {
    agent,
    blocks,
    tools: resolveTools(toolRecords, deps.toolFor, agent.settings.heartbeats),
    messages,
    contextWindow: deps.modelFor(agent).contextWindow,
    counts: {
      recallMessages: Math.max(0, total - messages.length),
      archivalPassages,
      archivalTags,
    },
    extraSections,
    memo: cache.memo(agentId),
  };
}

async function renderExtensions(
  deps: KernelDeps,
  agentId: string,
): Promise<Array<{ name: string; text: string }>> {
  const out: Array<{ name: string; text: string }> = [];
  for (const ext of deps.extensions ?? []) {
    const text = await ext.render(agentId);
    if (text) out.push({ name: ext.name, text });
  }
  return out;
}

/** Compiles the view (plus messages not yet stored, e.g. this step's pressure warning). Long texts not
 * yet counted (a pasted blob, a huge tool result) are counted on the token worker first, then the view is
 * compiled again, so no count of this step runs long on the main thread and the budget is exact. */
export async function compileView(
  view: StepView,
  now: string,
  extra: MessageRecord[] = [],
): Promise<CompiledView> {
  const tokens = createTokenCounter(view.agent.model);
  // Letta renders the tool rules right after the memory blocks, before attached files.
  const rules = renderToolRules(view.agent.toolRules ?? []);
  const compile = () =>
    compileContext({
      agent: view.agent,
      blocks: view.blocks,
      messages: extra.length ? [...view.messages, ...extra] : view.messages,
      tools: [...view.tools.values()].map((t) => t.spec),
      counts: view.counts,
      now,
      contextWindow: view.contextWindow,
      tokens,
      extraSections: rules
        ? [{ name: "tool_usage_rules", text: rules }, ...view.extraSections]
        : view.extraSections,
      memo: view.memo,
    });
  let compiled = compile();
  if (tokens.unsettled.length > 0) {
    await tokens.prepare(tokens.unsettled.splice(0));
    compiled = compile();
  }
  return { chat: compiled.messages, systemPrompt: compiled.systemPrompt, breakdown: compiled.breakdown };
}
