// EXPERIMENTAL (LMOS_EXPERIMENTAL_CR=1): the compressor-retriever hierarchy as an agent memory tier.
// After an eviction the agent's messages that left the context are compressed into its forest (text in
// the synthetic task notation only: the model knows no other vocabulary); each step renders the
// segments retrieved for the latest user message as a context section. Off unless the flag is set.
import type { ContextExtension } from "../kernel/index.ts";
import type { MessageRecord, Store } from "../store/types.ts";

const textOf = (m: MessageRecord) =>
  m.content
    .filter((p) => p.type === "text")
    .map((p) => (p as { text: string }).text)
    .join(" ");

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
  // messages compressed by this process (a restart may compress an evicted message again: a duplicate
  // chunk, harmless for retrieval; the forest itself is persisted through the store)
  const done = new Map<string, Set<string>>();
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
        const seen = done.get(agentId) ?? new Set<string>();
        done.set(agentId, seen);
        const evicted = (await store.listMessages(agentId, { order: "asc", limit: 1000 })).filter(
          (m) => !inContext.has(m.id) && !seen.has(m.id) && (m.role === "user" || m.role === "assistant"),
        );
        for (const m of evicted) seen.add(m.id);
        if (evicted.length) await memory.compress(agentId, evicted.map(textOf));
      },
    },
  ];
}
