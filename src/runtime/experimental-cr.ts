// EXPERIMENTAL (LMOS_EXPERIMENTAL_CR=1): the compressor-retriever hierarchy as an agent memory tier.
// After an eviction the agent's messages that left the context are compressed into its forest (text in
// the synthetic task notation only: the model knows no other vocabulary); each step renders the
// segments retrieved for the latest user message as a context section. Off unless the flag is set.
import { messageText as textOf } from "../context/index.ts";
import type { ContextExtension } from "../kernel/index.ts";
import type { Store } from "../store/types.ts";

const PAGE = 500;

/** The user and assistant texts that left the agent's context after message `after` (the oldest ones: an
 * eviction drops a prefix), and the id of the last message read; paged, so any history length works. */
export async function evictedSince(
  store: Store,
  agentId: string,
  inContext: ReadonlySet<string>,
  after: string | undefined,
): Promise<{ texts: string[]; last: string | undefined }> {
  const texts: string[] = [];
  let last = after;
  for (;;) {
    const page = await store.listMessages(agentId, { order: "asc", after: last, limit: PAGE });
    const boundary = page.findIndex((m) => inContext.has(m.id));
    const out = boundary < 0 ? page : page.slice(0, boundary);
    for (const m of out) if (m.role === "user" || m.role === "assistant") texts.push(textOf(m));
    if (out.length) last = out[out.length - 1].id;
    if (boundary >= 0 || page.length < PAGE) return { texts, last };
  }
}

/** The experimental context extensions for `env` (none unless LMOS_EXPERIMENTAL_CR=1). */
export async function experimentalCrExtensions(
  store: Store,
  env: Record<string, string | undefined>,
): Promise<ContextExtension[]> {
  if (env.LMOS_EXPERIMENTAL_CR !== "1") return [];
  // loaded only when the flag is on: the tensor backend and the model stay out of a normal start
  const { CompressedMemory, initTensors, loadModel } = await import("../cr/index.ts");
  await initTensors();
  const memory = new CompressedMemory(loadModel(), store);
  // per agent, the last message already compressed by this process (a restart may compress an evicted
  // message again: a duplicate chunk, harmless for retrieval; the forest itself is persisted)
  const compressedUpTo = new Map<string, string>();
  const lastUser = async (agentId: string) => {
    const [m] = await store.listMessages(agentId, { roles: ["user"], order: "desc", limit: 1 });
    return m ? textOf(m) : null;
  };
  const ext = memory.extension(lastUser);
  return [
    {
      name: ext.name,
      render: (agentId) => ext.render(agentId),
      async onPressure(agentId) {
        const agent = await store.getAgent(agentId);
        if (!agent) return;
        const inContext = new Set(agent.inContextMessageIds);
        const { texts, last } = await evictedSince(store, agentId, inContext, compressedUpTo.get(agentId));
        if (last) compressedUpTo.set(agentId, last);
        if (texts.length) await memory.compress(agentId, texts);
      },
    },
  ];
}
