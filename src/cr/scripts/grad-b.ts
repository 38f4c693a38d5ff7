// Dev: per-group gradient norms of the stage-B losses (answer CE and aux retrieval) at the given adapters.
import { loadModel } from "../checkpoint.ts";
import { crLoss } from "../cr-step.ts";
import { initAdapters } from "../params.ts";
import { DEFAULT_SHAPE } from "../pipeline.ts";
import { Q_LEN } from "../task.ts";
import { initTensors, jitted, jx, read } from "../tensor/backend.ts";
import { stageBBatch } from "../train-b.ts";
import type { AdapterParams, BaseParams } from "../model.ts";
import type { Arr } from "../tensor/backend.ts";

await initTensors({ threads: 1 });
const m = loadModel(process.argv[2]);
const cfg = m.cfg;
const { numpy: np, valueAndGrad, tree } = jx();
const ad = process.env.FRESH ? initAdapters(cfg, m.rank, m.sites) : m.ad;
const s = { ...DEFAULT_SHAPE, E: 4 };
for (const which of [0, 1]) {
  const f = jitted((a: AdapterParams, p: BaseParams, d: Arr, q: Arr, l: Arr, r: Arr) => {
    const [v, g] = valueAndGrad((a2: AdapterParams) => {
      const parts = crLoss(cfg, s, a2, p, d, q, l, r);
      const keep = parts[which] as Arr;
      (parts[1 - which] as Arr).dispose();
      return keep;
    })(a);
    tree.dispose(p as never);
    return [v, g];
  });
  const b = stageBBatch(0, s, cfg.vocab);
  const [v, g] = f(
    tree.ref(ad as never) as AdapterParams,
    tree.ref(m.base as never) as BaseParams,
    np.array(b.demoIds, { dtype: np.int32 }).reshape([s.E * s.nDemos, 16]),
    np.array(b.queryIds, { dtype: np.int32 }).reshape([s.E * s.Q, Q_LEN]),
    np.array(b.labels).reshape([s.E * s.Q, cfg.vocab]),
    np.array(b.rel).reshape([s.E * s.Q, s.nDemos]),
  ) as [Arr, AdapterParams];
  const norm = async (x: Arr) => Math.sqrt((await read(x)).reduce((a, y) => a + y * y, 0));
  const out: Record<string, string> = { loss: ((await read(v))[0] as number).toFixed(4) };
  out.mem = (await norm(g.mem)).toExponential(2);
  out.ret = (await norm(g.ret)).toExponential(2);
  for (const [li, l] of g.lora.entries())
    for (const [site, pr] of Object.entries(l)) {
      out[`L${li}.${site}.a`] = (await norm(pr!.a)).toExponential(2);
      out[`L${li}.${site}.b`] = (await norm(pr!.b)).toExponential(2);
    }
  console.log(which === 0 ? "CE" : "AUX", JSON.stringify(out));
}
process.exit(0);
