// Greedy generation with the `<call_retrieval>` token: when the model emits it (or the prompt ends with
// it), generation pauses, the current question (the tokens since the last `=`) is sent to the retriever,
// the retrieved chunks' raw tokens are put in front of the question, and generation resumes.
import { causalMask } from "./mask.ts";
import type { CrModel } from "./checkpoint.ts";
import { VOCAB } from "./config.ts";
import { fast, lend } from "./fast.ts";
import type { MemoryDb } from "./memory-db.ts";
import { embedTokens, ropeTables } from "./model.ts";
import { type Retrieval, retrieve } from "./retriever.ts";
import { jx, read } from "./tensor/backend.ts";

/** Next-token argmax of the base model for one token sequence. */
async function nextToken(m: CrModel, ids: number[]): Promise<number> {
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
    if ((lg[(T - 1) * m.cfg.vocab + v] as number) > (lg[(T - 1) * m.cfg.vocab + best] as number)) best = v;
  return best;
}

export interface Generation {
  tokens: number[];
  retrievals: Retrieval[];
  /** The context the final tokens were generated from. */
  context: number[];
}

/** Generates up to `maxNew` tokens (stops after `=`), serving `<call_retrieval>` from `db`. */
export async function generateWithRetrieval(
  m: CrModel,
  db: MemoryDb,
  prompt: number[],
  o: { maxNew?: number; C?: number; nR?: number } = {},
): Promise<Generation> {
  let ctx = [...prompt];
  const out: number[] = [];
  const retrievals: Retrieval[] = [];
  const serve = async () => {
    if (ctx[ctx.length - 1] === VOCAB.CALL_RET) ctx.pop();
    const lastEq = ctx.lastIndexOf(VOCAB.EQ);
    const question = ctx.slice(lastEq + 1);
    const r = await retrieve(m.cfg, m.base, m.ad, db, question, {
      C: o.C ?? 2,
      nR: o.nR ?? 2,
      targetLevel: 2,
      tau: 0.1,
      score: m.score,
    });
    retrievals.push(r);
    ctx = [...ctx.slice(0, lastEq + 1), ...r.nodes.flatMap((id) => db.get(id).tokens), ...question];
  };
  if (ctx[ctx.length - 1] === VOCAB.CALL_RET) await serve();
  for (let i = 0; i < (o.maxNew ?? 2); i++) {
    const t = await nextToken(m, ctx);
    if (t === VOCAB.CALL_RET && retrievals.length < 4) {
      await serve();
      continue;
    }
    out.push(t);
    ctx.push(t);
    if (t === VOCAB.EQ) break;
  }
  return { tokens: out, retrievals, context: ctx };
}
