// EXPERIMENTAL (LMOS_EXPERIMENTAL_CR=1): the compressor-retriever hierarchy as an agent memory tier.
// After an eviction the agent's messages that left the context are compressed into its forest (text in
// the synthetic task notation only: the model knows no other vocabulary) by a job on the one job queue,
// never on the step's path: the eviction only enqueues it (one unfinished job per agent). Each step
// renders the segments retrieved for the latest user message as a context section, each with the
// message it came from and that message's date. Off unless the flag is set.
import { messageText as textOf } from "../context/index.ts";
import type { ContextExtension } from "../kernel/index.ts";
import type { Store } from "../store/types.ts";
import type { JobHandler, JobQueue } from "./jobs/index.ts";

const PAGE = 500;

/** The queue of the tier's compression jobs. */
export const CR_COMPRESS_QUEUE = "cr.compress";

/** A user or assistant text that left the context, with its message id and date. */
export interface EvictedText {
  text: string;
  source: { messageId: string; createdAt: string };
}

/** The user and assistant texts that left the agent's context after message `after` (the oldest ones: an
 * eviction drops a prefix), and the id of the last message read; paged, so any history length works. */
export async function evictedSince(
  store: Store,
  agentId: string,
  inContext: ReadonlySet<string>,
  after: string | undefined,
): Promise<{ items: EvictedText[]; last: string | undefined }> {
  const items: EvictedText[] = [];
  let last = after;
  for (;;) {
    const page = await store.listMessages(agentId, { order: "asc", after: last, limit: PAGE });
    const boundary = page.findIndex((m) => inContext.has(m.id));
    const out = boundary < 0 ? page : page.slice(0, boundary);
    for (const m of out)
      if (m.role === "user" || m.role === "assistant")
        items.push({ text: textOf(m), source: { messageId: m.id, createdAt: m.createdAt } });
    if (out.length) last = out[out.length - 1].id;
    if (boundary >= 0 || page.length < PAGE) return { items, last };
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

/** Something that compresses texts into an agent's forest (CompressedMemory). */
interface Compressor {
  compress(agentId: string, texts: EvictedText[]): Promise<number>;
}

/** The compression job: what left the agent's context since the stored cursor goes into its forest. */
export function crCompressHandler(store: Store, memory: Compressor): JobHandler {
  return async (job) => {
    const agentId = String(job.payload.agentId ?? "");
    // an eviction while this job runs enqueues nothing (same key): look again until nothing is new
    for (;;) {
      const agent = await store.getAgent(agentId);
      if (!agent) return undefined;
      const after = await readCompressedCursor(store, agentId);
      const { items, last } = await evictedSince(store, agentId, new Set(agent.inContextMessageIds), after);
      if (items.length) await memory.compress(agentId, items);
      if (!last || last === after) return undefined;
      await saveCompressedCursor(store, agentId, last);
    }
  };
}

/** The experimental context extensions for `env` (none unless LMOS_EXPERIMENTAL_CR=1); the compression
 * jobs' handler goes on `jobs`; `close` stops the tier's worker thread (after the job queue stopped). */
export async function experimentalCrExtensions(
  store: Store,
  env: Record<string, string | undefined>,
  jobs: JobQueue,
): Promise<{ extensions: ContextExtension[]; close(): Promise<void> }> {
  if (env.LMOS_EXPERIMENTAL_CR !== "1") return { extensions: [], close: async () => {} };
  // loaded only when the flag is on: the tensor backend and the model stay out of a normal start
  const { CompressedMemory, DEFAULT_MODEL_PATH, initTensors, loadModel, RetrievalThread } = await import(
    "../cr/index.ts"
  );
  await initTensors();
  const model = loadModel();
  // compression runs on a worker thread (its jax-js kernels would otherwise hold this event loop, and so
  // every agent's steps, for seconds); the thread holds the process open only while it works
  const thread = await RetrievalThread.start(model);
  const memory = new CompressedMemory(model, store, undefined, { thread, modelPath: DEFAULT_MODEL_PATH });
  jobs.handle(CR_COMPRESS_QUEUE, crCompressHandler(store, memory));
  const lastUser = async (agentId: string) => {
    const [m] = await store.listMessages(agentId, { roles: ["user"], order: "desc", limit: 1 });
    return m ? textOf(m) : null;
  };
  const ext = memory.extension(lastUser);
  const extensions: ContextExtension[] = [
    {
      name: ext.name,
      render: (agentId) => ext.render(agentId),
      async onPressure(agentId) {
        // an eviction happened: compress in the background (a job already waiting covers this one too)
        await jobs.enqueue(CR_COMPRESS_QUEUE, { agentId }, { key: `${CR_COMPRESS_QUEUE}:${agentId}` });
      },
    },
  ];
  return { extensions, close: () => thread.close() };
}
