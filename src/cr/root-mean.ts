// The fixed centering vector of the retriever: the mean chunk root over training episodes (seeds disjoint
// from the held-out ones). Subtracting a fixed vector (instead of the candidate-set mean) keeps a centred
// node a function of the node alone, so its per-layer keys/values can be cached (host-forward.ts).
import type { ModelConfig } from "./config.ts";
import { fast, lend } from "./fast.ts";
import type { AdapterParams, BaseParams } from "./model.ts";
import { makeEpisode } from "./task.ts";
import { jx, read } from "./tensor/backend.ts";

/** Mean root vector [D] over `episodes` training episodes (6 demos each), rounded to 6 digits. */
export async function rootMean(
  cfg: ModelConfig,
  p: BaseParams,
  ad: AdapterParams,
  episodes = 200,
  seed0 = 30_000_000,
): Promise<number[]> {
  const np = jx().numpy;
  const sum = new Float64Array(cfg.d);
  let n = 0;
  for (let i = 0; i < episodes; i += 50) {
    const demos = Array.from(
      { length: Math.min(50, episodes - i) },
      (_, j) => makeEpisode(seed0 + i + j).demos,
    ).flat();
    const ids = np.array(Int32Array.from(demos.flat()), { dtype: np.int32 }).reshape([demos.length, 16]);
    const f = fast(cfg);
    const l1 = f.compressTokens(4)(lend(p), lend(ad), ids);
    const roots = await read(f.compress(4)(lend(p), lend(ad), l1));
    for (let r = 0; r < demos.length; r++)
      for (let k = 0; k < cfg.d; k++) sum[k] = (sum[k] as number) + (roots[r * cfg.d + k] as number);
    n += demos.length;
  }
  return Array.from(sum, (s) => Number((s / n).toPrecision(6)));
}
