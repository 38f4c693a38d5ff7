// Hand-written Adam(W) over any parameter tree (@jax-js has no optax on npm). Pure function of
// arrays so it can live inside the jitted training step.
import { type Arr, jx } from "./backend.ts";

export interface AdamState<P> {
  m: P;
  v: P;
}

/** Zero moments shaped like `p` (borrows p). */
export function adamInit<P>(p: P): AdamState<P> {
  const { numpy: np, tree } = jx();
  const z = (a: Arr) => np.zeros(a.shape);
  return { m: tree.map(z, p as any) as P, v: tree.map(z, p as any) as P };
}

export interface AdamHyper {
  b1: number;
  b2: number;
  eps: number;
  wd: number;
}

/**
 * One update. Consumes p, g, state and the scalar arrays lrT (lr with bias correction 1) and c2
 * (the 1/(1-b2^t) factor); gradients are clipped by the global norm `clip` via `scale`.
 */
export function adamUpdate<P>(
  p: P,
  g: P,
  st: AdamState<P>,
  lr: Arr,
  c2: Arr,
  scale: Arr,
  h: AdamHyper,
): [P, AdamState<P>] {
  const { numpy: np, tree } = jx();
  const [pl, def] = tree.flatten(p as any);
  const gl = tree.leaves(g as any);
  const ml = tree.leaves(st.m as any);
  const vl = tree.leaves(st.v as any);
  const np_: Arr[] = [];
  const nm: Arr[] = [];
  const nv: Arr[] = [];
  for (let i = 0; i < pl.length; i++) {
    const gi = (gl[i] as Arr).mul(scale.ref);
    const mi = (ml[i] as Arr).mul(h.b1).add(gi.ref.mul(1 - h.b1));
    const vi = (vl[i] as Arr).mul(h.b2).add(np.square(gi).mul(1 - h.b2));
    const pi = pl[i] as Arr;
    const upd = mi.ref.div(np.sqrt(vi.ref.mul(c2.ref)).add(h.eps));
    const decayed = h.wd > 0 && pi.ndim >= 2 ? pi.ref.mul(lr.ref.mul(-h.wd).add(1)) : pi.ref;
    pi.dispose();
    np_.push(decayed.sub(upd.mul(lr.ref)));
    nm.push(mi);
    nv.push(vi);
  }
  lr.dispose();
  c2.dispose();
  scale.dispose();
  const un = (xs: Arr[]) => tree.unflatten(def, xs as any) as P;
  return [un(np_), { m: un(nm), v: un(nv) }];
}

/** Global L2 norm of a gradient tree as a scalar array (borrows g). */
export function globalNorm<P>(g: P): Arr {
  const { numpy: np, tree } = jx();
  const ls = tree.leaves(g as any) as Arr[];
  let s: Arr | null = null;
  for (const l of ls) {
    const t = np.sum(np.square(l.ref));
    s = s ? s.add(t) : t;
  }
  return np.sqrt(s ?? np.zeros([]));
}
