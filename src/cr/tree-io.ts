// Device parameter trees <-> named host tensors (dotted paths), for checkpoints.
import { type Arr, jx, read } from "./tensor/backend.ts";
import type { TensorMap } from "./weights.ts";

type Tree = Arr | Tree[] | { [k: string]: Tree | undefined };

function isArr(x: unknown): x is Arr {
  return typeof x === "object" && x !== null && "shape" in x && "ref" in x;
}

/** Copies a device tree to host tensors under `prefix` (borrows the tree). */
export async function treeToHost(t: unknown, prefix: string, out: TensorMap = new Map()): Promise<TensorMap> {
  if (isArr(t)) {
    out.set(prefix, { shape: [...t.shape], data: (await read(t.ref)).slice() });
  } else if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++) await treeToHost(t[i], `${prefix}.${i}`, out);
  } else if (t && typeof t === "object") {
    for (const [k, v] of Object.entries(t))
      if (v !== undefined) await treeToHost(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Rebuilds a tree shaped like `like` from host tensors under `prefix`; throws if one is missing. */
export function treeFromHost<T>(like: T, tensors: TensorMap, prefix: string): T {
  const np = jx().numpy;
  const go = (t: Tree, p: string): Tree => {
    if (isArr(t)) {
      const e = tensors.get(p);
      if (!e) throw new Error(`checkpoint is missing tensor ${p}`);
      if (e.shape.join() !== t.shape.join())
        throw new Error(`checkpoint tensor ${p} has shape ${e.shape}, expected ${t.shape}`);
      return np.array(e.data).reshape(e.shape);
    }
    if (Array.isArray(t)) return t.map((x, i) => go(x, `${p}.${i}`));
    const o: Record<string, Tree> = {};
    for (const [k, v] of Object.entries(t)) if (v !== undefined) o[k] = go(v, p ? `${p}.${k}` : k);
    return o;
  };
  return go(like as Tree, prefix) as T;
}
