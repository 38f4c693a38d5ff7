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
import { fast, lend } from "./fast.ts";
import { HostScorer, hostWeights } from "./host-forward.ts";
import { causalMask } from "./mask.ts";
import type { MemoryDb } from "./memory-db.ts";
import { embedTokens, ropeTables } from "./model.ts";
import type { RetrievalThread } from "./retrieval-thread.ts";
import { type Retrieval, type RetrieveOptions, retrieveHost } from "./retriever.ts";
import { jx, read } from "./tensor/backend.ts";

/** Next-token argmax of the base model for one token sequence (`<call_retrieval>` only if allowed). */
async function nextToken(m: CrModel, ids: number[], allowCall: boolean): Promise<number> {
  const np = jx().numpy;
  const T = ids.length;
  const rope = ropeTables(
    Int32Array.from({ length: T }, (_, i) => i),
    1,
    T,
    m.cfg.d / m.cfg.heads,
  );
  const x = embedTokens(m.cfg, m.base, np.array(Int32Array.from(ids), { dtype: np.int32 }).reshape([1, T]));
  const mask = np.greater(np.array(Float32Array.from(causalMask(T))).reshape([1, 1, T, T]), 0.5);
  const lg = await read(fast(m.cfg).logits(lend(m.base), [], x, rope.cos, rope.sin, mask));
  let best = 0;
  for (let v = 1; v < m.cfg.vocab; v++)
    if (
      (v !== VOCAB.CALL_RET || allowCall) &&
      (lg[(T - 1) * m.cfg.vocab + v] as number) > (lg[(T - 1) * m.cfg.vocab + best] as number)
    )
      best = v;
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

const scorers = new WeakMap<CrModel, Promise<HostScorer>>();

/** The model's host scorer (built once per model). */
function scorerOf(m: CrModel): Promise<HostScorer> {
  let s = scorers.get(m);
  if (!s) {
    s = hostWeights(m.cfg, m.base, m.ad).then((w) => new HostScorer(w));
    scorers.set(m, s);
  }
  return s;
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
  const scorer = timing === "sync" ? await scorerOf(m) : null;
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
    const t = await nextToken(m, ctx, pending !== null || events.length === 0);
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
