// The synthetic in-context-learning task of spec §7.2: tagged key→label lookup. Each episode draws
// fresh random functions f_t: key→label, so answers can only come from the context.
import { VOCAB } from "./config.ts";
import { randInt, rng, shuffle } from "./rng.ts";

/** One query: tokens [T, K] and the label token it must produce. */
export interface Query {
  tokens: number[];
  label: number;
  tag: number;
  key: number;
  /** Index of the demo holding the answer fact. */
  answerDemo: number;
}

/** A set of demonstrations (16 tokens each) and queries about them. */
export interface Episode {
  demos: number[][];
  /** Tag of each demo. */
  demoTags: number[];
  /** Demos relevant to the queries (the query tag's demos). */
  relevant: number[];
  queries: Query[];
}

export const FACTS_PER_DEMO = 4;
/**
 * Fact layout [T, K, label, =] and query [T, K] (deviation from the spec's [T, K, =, label]: with the
 * label right after the key the lookup is a plain induction pattern K → label, which the small model
 * learns within the CPU budget; the spec's layout stayed at the bag-of-labels plateau, ~0.63 with one
 * demo, for 1,000 steps). `=` now ends each fact.
 */
export const Q_LEN = 2;
export const DEMO_LEN = 4 * FACTS_PER_DEMO;

function fact(tag: number, key: number, label: number): number[] {
  return [VOCAB.TAG0 + tag, VOCAB.KEY0 + key, VOCAB.LABEL0 + label, VOCAB.EQ];
}

function pickKeys(r: () => number, n: number, exclude: Set<number>): number[] {
  const pool = shuffle(
    r,
    Array.from({ length: VOCAB.nKeys }, (_, i) => i).filter((k) => !exclude.has(k)),
  );
  return pool.slice(0, n);
}

/**
 * Setting (a): `nDemos` demos (2 relevant, the rest in pairs of other tags), `nQueries` queries on the
 * relevant tag; with probability `hardNeg` a distractor holds the first query's key with another label.
 */
export function makeEpisode(
  seed: number,
  opts: { nDemos?: number; nQueries?: number; hardNeg?: number } = {},
): Episode {
  const nDemos = opts.nDemos ?? 6;
  const nQueries = opts.nQueries ?? 4;
  const r = rng(seed * 7919 + 17);
  const tags = shuffle(
    r,
    Array.from({ length: VOCAB.nTags }, (_, i) => i),
  );
  const tq = tags[0] as number;
  const f = Array.from({ length: VOCAB.nTags }, () =>
    Array.from({ length: VOCAB.nKeys }, () => randInt(r, 3)),
  );
  const nRel = Math.min(2, nDemos);
  const relKeys = pickKeys(r, FACTS_PER_DEMO * nRel, new Set());
  const specs: Array<{ tag: number; keys: number[] }> = [];
  for (let i = 0; i < nRel; i++)
    specs.push({ tag: tq, keys: relKeys.slice(i * FACTS_PER_DEMO, (i + 1) * FACTS_PER_DEMO) });
  for (let i = nRel; i < nDemos; i++) {
    const tag = tags[1 + Math.floor((i - nRel) / 2)] as number;
    specs.push({ tag, keys: pickKeys(r, FACTS_PER_DEMO, new Set()) });
  }
  // with no demos (the acc_none control in training) queries ask about keys nobody has shown
  const qKeys = Array.from({ length: nQueries }, () =>
    relKeys.length ? (relKeys[randInt(r, relKeys.length)] as number) : randInt(r, VOCAB.nKeys),
  );
  if (nDemos > nRel && r() < (opts.hardNeg ?? 0.5)) {
    const k = qKeys[0] as number;
    const d = specs[nRel + randInt(r, nDemos - nRel)] as { tag: number; keys: number[] };
    if (!d.keys.includes(k)) d.keys[randInt(r, FACTS_PER_DEMO)] = k;
    const row = f[d.tag] as number[];
    row[k] = ((f[tq] as number[])[k] as number) + 1 + randInt(r, 2);
    row[k] = (row[k] as number) % 3;
  }
  const order = shuffle(
    r,
    specs.map((_, i) => i),
  );
  const demos: number[][] = [];
  const demoTags: number[] = [];
  for (const i of order) {
    const s = specs[i] as { tag: number; keys: number[] };
    demos.push(s.keys.flatMap((k) => fact(s.tag, k, (f[s.tag] as number[])[k] as number)));
    demoTags.push(s.tag);
  }
  const relevant = order.map((o, i) => (o < nRel ? i : -1)).filter((i) => i >= 0);
  const queries = qKeys.map((k) => {
    const answerDemo = relevant.find((i) => demoHasKey(demos[i] as number[], k)) ?? -1;
    return {
      tokens: [VOCAB.TAG0 + tq, VOCAB.KEY0 + k],
      label: VOCAB.LABEL0 + ((f[tq] as number[])[k] as number),
      tag: tq,
      key: k,
      answerDemo,
    };
  });
  return { demos, demoTags, relevant, queries };
}

/** Whether a demo contains a fact about key `k`. */
export function demoHasKey(demo: number[], k: number): boolean {
  for (let i = 1; i < demo.length; i += 4) if (demo[i] === VOCAB.KEY0 + k) return true;
  return false;
}

/**
 * Setting (b): a life-long store of `size` demos over all tags (consistent functions per tag) and
 * queries whose answer lies in some demo; relevant = demos with the query's tag.
 */
export function makeLifelong(seed: number, size: number, nQueries: number): Episode {
  const r = rng(seed * 104729 + 3);
  const f = Array.from({ length: VOCAB.nTags }, () =>
    Array.from({ length: VOCAB.nKeys }, () => randInt(r, 3)),
  );
  const demos: number[][] = [];
  const demoTags: number[] = [];
  for (let i = 0; i < size; i++) {
    const tag = randInt(r, VOCAB.nTags);
    const keys = pickKeys(r, FACTS_PER_DEMO, new Set());
    demos.push(keys.flatMap((k) => fact(tag, k, (f[tag] as number[])[k] as number)));
    demoTags.push(tag);
  }
  const queries: Query[] = [];
  for (let q = 0; q < nQueries; q++) {
    const d = randInt(r, size);
    const demo = demos[d] as number[];
    const slot = randInt(r, FACTS_PER_DEMO);
    const tag = demoTags[d] as number;
    const key = (demo[slot * 4 + 1] as number) - VOCAB.KEY0;
    queries.push({
      tokens: [VOCAB.TAG0 + tag, VOCAB.KEY0 + key],
      label: demo[slot * 4 + 2] as number,
      tag,
      key,
      answerDemo: d,
    });
  }
  const relevant = demoTags.map((t, i) => (t === queries[0]?.tag ? i : -1)).filter((i) => i >= 0);
  return { demos, demoTags, relevant, queries };
}
