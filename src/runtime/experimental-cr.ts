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

const CURSOR_TIER = "cr-cursor";

/** The last message this agent's evicted history was compressed up to, as stored (survives restarts). */
export async function readCompressedCursor(store: Store, agentId: string): Promise<string | undefined> {
  const [node] = await store.getMemoryNodes(agentId, CURSOR_TIER);
  return node ? new TextDecoder().decode(node.data) : undefined;
}

/** Stores the cursor after a compression (a crash before this only compresses those messages again). */
export async function saveCompressedCursor(store: Store, agentId: string, last: string): Promise<void> {
  await store.putMemoryNodes(agentId, CURSOR_TIER, [{ id: "cursor", data: new TextEncoder().encode(last) }]);
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
  // per agent, the last message already compressed; read from the store once, then kept here
  const compressedUpTo = new Map<string, string | undefined>();
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
        const after = compressedUpTo.has(agentId)
          ? compressedUpTo.get(agentId)
          : await readCompressedCursor(store, agentId);
        const { texts, last } = await evictedSince(store, agentId, inContext, after);
        if (texts.length) await memory.compress(agentId, texts);
        compressedUpTo.set(agentId, last);
        if (last && last !== after) await saveCompressedCursor(store, agentId, last);
      },
    },
  ];
}
