// `lmos cr inspect`: the hierarchy built for one context and the path the retriever took through it.
import type { ScoreOptions } from "./scoring.ts";
import { type ModelConfig, tokenName } from "./config.ts";
import { buildForest } from "./forest.ts";
import type { MemoryDb } from "./memory-db.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { type Retrieval, retrieve } from "./retriever.ts";
import type { Episode } from "./task.ts";

const words = (ids: number[]) => ids.map(tokenName).join(" ");

/** Text lines describing the forest of `ep` and one retrieval for its first query. */
export async function inspectEpisode(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  ep: Episode,
  o: { C: number; nR: number; upper: boolean; targetLevel: number; score?: ScoreOptions },
): Promise<{ lines: string[]; db: MemoryDb; retrieval: Retrieval }> {
  const db = await buildForest(cfg, p, ad, ep.demos, { upper: o.upper });
  const q = ep.queries[0];
  if (!q) throw new Error("episode has no query");
  const lines: string[] = [];
  lines.push(
    `hierarchy (k = 4): nodes per level ${db
      .shape()
      .map((n, l) => `L${l}=${l === 0 ? ep.demos.length * 16 : n}`)
      .join(" ")}`,
  );
  for (let l = db.topLevel; l >= 3; l--) {
    for (const id of db.levels[l] ?? [])
      lines.push(`${"  ".repeat(db.topLevel - l)}${id} → ${db.get(id).children.join(" ")}`);
  }
  for (const id of db.levels[2] ?? []) {
    const n = db.get(id);
    const rel = ep.relevant.includes(n.chunk) ? "  (relevant)" : "";
    lines.push(`${id} demo ${n.chunk}${rel}: ${words(n.tokens)}`);
    for (const c of n.children) lines.push(`    ${c}: ${words(db.get(c).tokens)}`);
  }
  const r = await retrieve(cfg, p, ad, db, q.tokens, {
    C: o.C,
    nR: o.nR,
    targetLevel: o.targetLevel,
    tau: 0.1,
    ...(o.score ? { score: o.score } : {}),
  });
  lines.push(
    `query: ${words(q.tokens)}  → expected ${tokenName(q.label)}; relevant demos ${ep.relevant.join(", ")}`,
  );
  for (const s of r.path) {
    const sc = s.candidates.map((c, i) => `${c}=${(s.scores[i] ?? 0).toFixed(3)}`).join(" ");
    lines.push(`level ${s.level}: scored ${sc}; kept ${s.kept.join(", ")}`);
  }
  lines.push(
    `retrieved: ${r.nodes.map((id, i) => `${id} (w ${(r.weights[i] ?? 0).toFixed(2)}): ${words(db.get(id).tokens)}`).join(" | ")}`,
  );
  return { lines, db, retrieval: r };
}
