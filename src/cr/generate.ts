// Greedy generation with `<call_retrieval>` (spec §3.3). The model decides when to retrieve by decoding the
// token (call-retrieval.ts taught it); the question (the tokens since the last `=`) goes to the retriever
// and the retrieved chunks' raw tokens are spliced in front of the question. One retrieval per question
// (generation ends at `=`): once it is in, the token is not decoded again (the same question would get
// the same chunks). Two timings:
// - "sync": decoding pauses until the retrieval is back (host forward on this thread);
// - "async": the request goes to a worker thread (retrieval-thread.ts) and decoding goes on; between
//   tokens the decoder takes a finished result and splices it in. If the model decodes
//   `<call_retrieval>` again while its request is pending, it waits for that request (no second one).
// Why async may give other tokens than sync: a token decoded while the request is pending was decoded
// from the context without the retrieved chunks. When the model asks again instead (it still lacks the
// fact), nothing is decoded without them and the tokens are the same (the retrieval itself is the same
// host walk on either thread).
import type { CrModel } from "./checkpoint.ts";
import { VOCAB } from "./config.ts";
import { HostScorer, type HostWeights, hostNextLogits, hostWeights } from "./host-forward.ts";
import type { MemoryDb } from "./memory-db.ts";
import type { RetrievalThread } from "./retrieval-thread.ts";
import { type Retrieval, type RetrieveOptions, retrieveHost } from "./retriever.ts";

/** Next-token argmax of the base model (host forward, no LoRA); `<call_retrieval>` only if allowed. */
function nextToken(base: HostWeights, ids: number[], allowCall: boolean): number {
  const lg = hostNextLogits(base, ids);
  let best = 1;
  for (let v = 2; v < lg.length; v++)
    if ((v !== VOCAB.CALL_RET || allowCall) && (lg[v] as number) > (lg[best] as number)) best = v;
  return best;
}

/** One retrieval during a generation: when it was asked for and when its result went into the context. */
export interface RetrievalEvent {
  retrieval: Retrieval;
  /** Tokens generated before the request. */
  requestedAfter: number;
  /** Tokens generated before the splice (> requestedAfter: decoding went on without the result). */
  splicedAfter: number;
  /** Whether the decoder had to stop and wait for the result (the model asked again, or the end came). */
  waited: boolean;
}

export interface Generation {
  tokens: number[];
  retrievals: Retrieval[];
  events: RetrievalEvent[];
  /** The context the final tokens were generated from. */
  context: number[];
}

export type RetrievalTiming = "sync" | "async";

export interface GenerateOptions {
  maxNew?: number;
  C?: number;
  nR?: number;
  /** "sync" (default): pause for the retrieval; "async": on `thread`, decoding goes on. */
  timing?: RetrievalTiming;
  /** The worker for "async", holding `db` under `dbName`. */
  thread?: RetrievalThread;
  dbName?: string;
}

const hosts = new WeakMap<CrModel, Promise<{ scorer: HostScorer; base: HostWeights }>>();

/** The model's host scorer (base + LoRA, retrieval) and host base (decoding), built once per model. */
function hostOf(m: CrModel): Promise<{ scorer: HostScorer; base: HostWeights }> {
  let h = hosts.get(m);
  if (!h) {
    h = (async () => ({
      scorer: new HostScorer(await hostWeights(m.cfg, m.base, m.ad)),
      base: await hostWeights(m.cfg, m.base, { ...m.ad, lora: [] }),
    }))();
    hosts.set(m, h);
  }
  return h;
}

/** Steps beyond maxNew spent on `<call_retrieval>` tokens (a request, then waits for it). */
const CALL_STEPS = 4;

/** Generates up to `maxNew` tokens (stops after `=`), serving `<call_retrieval>` from `db`. */
export async function generateWithRetrieval(
  m: CrModel,
  db: MemoryDb,
  prompt: number[],
  o: GenerateOptions = {},
): Promise<Generation> {
  const timing = o.timing ?? "sync";
  const thread = o.thread;
  if (timing === "async" && (!thread || !o.dbName))
    throw new Error('generateWithRetrieval: timing "async" needs a thread and the name of db on it');
  const ro: RetrieveOptions = { C: o.C ?? 2, nR: o.nR ?? 2, targetLevel: 2, tau: 0.1, score: m.score };
  const host = await hostOf(m);
  const scorer = timing === "sync" ? host.scorer : null;
  let ctx = [...prompt];
  const out: number[] = [];
  const events: RetrievalEvent[] = [];
  let pending: {
    at: number;
    requestedAfter: number;
    promise: Promise<Retrieval>;
    result?: Retrieval;
    error?: unknown;
  } | null = null;

  const splice = (r: Retrieval, at: number, requestedAfter: number, waited: boolean) => {
    ctx = [...ctx.slice(0, at), ...r.nodes.flatMap((id) => db.get(id).tokens), ...ctx.slice(at)];
    events.push({ retrieval: r, requestedAfter, splicedAfter: out.length, waited });
  };
  const request = async () => {
    const at = ctx.lastIndexOf(VOCAB.EQ) + 1;
    const question = ctx.slice(at);
    if (scorer) return splice(await retrieveHost(scorer, db, question, ro), at, out.length, true);
    const p: NonNullable<typeof pending> = {
      at,
      requestedAfter: out.length,
      promise: (thread as RetrievalThread).retrieve(o.dbName as string, question, ro),
    };
    p.promise.then(
      (r) => {
        p.result = r;
      },
      (e: unknown) => {
        p.error = e;
      },
    );
    pending = p;
  };
  const settle = async (wait: boolean) => {
    const p = pending;
    if (!p) return;
    if (wait) await p.promise.catch(() => undefined);
    if (p.error) throw p.error;
    if (!p.result) return;
    pending = null;
    splice(p.result, p.at, p.requestedAfter, wait);
  };

  if (ctx[ctx.length - 1] === VOCAB.CALL_RET) {
    ctx.pop();
    await request();
  }
  const maxNew = o.maxNew ?? 2;
  for (let steps = 0; out.length < maxNew && steps < maxNew + CALL_STEPS; steps++) {
    // between tokens: let the worker's reply in, and take it if it is there
    if (pending) {
      await new Promise((r) => setImmediate(r));
      await settle(false);
    }
    // generation ends at `=`, so every retrieval so far was for this question
    const t = nextToken(host.base, ctx, pending !== null || events.length === 0);
    if (t === VOCAB.CALL_RET) {
      if (pending) await settle(true);
      else await request();
      continue;
    }
    out.push(t);
    ctx.push(t);
    if (t === VOCAB.EQ) break;
  }
  // a result that came too late for every token still lands in the returned context
  await settle(true);
  return { tokens: out, retrievals: events.map((e) => e.retrieval), events, context: ctx };
}
