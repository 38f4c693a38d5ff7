// The tensor backend of src/cr: @jax-js/jax on its wasm device, loaded once. Model code imports
// `np`, `nn`, `jit`, `valueAndGrad`, `tree` from here only, so the backend can be swapped in one place.
import type * as Jax from "@jax-js/jax";
import { installWorkerShim } from "./worker-shim.ts";

export type JaxModule = typeof Jax;
export type Arr = Jax.Array;

let mod: JaxModule | null = null;
let threaded = false;

/** Loads jax-js on the wasm device; `threads` > 1 installs the worker shim first (only on first call). */
export async function initTensors(opts: { threads?: number } = {}): Promise<JaxModule> {
  if (mod) return mod;
  const threads = opts.threads ?? Number(process.env.LMOS_CR_THREADS ?? 1);
  if (threads > 1) {
    installWorkerShim(threads);
    threaded = true;
  }
  const m = await import("@jax-js/jax");
  await m.init("wasm");
  m.defaultDevice("wasm");
  mod = m;
  return m;
}

/** The loaded backend; throws when initTensors() has not run. */
export function jx(): JaxModule {
  if (!mod) throw new Error("cr tensors: call initTensors() first");
  return mod;
}

/** Reads an array to host memory (consumes it); async because worker reads cannot be synchronous. */
export async function read(a: Arr): Promise<Float32Array> {
  return (await a.data()) as Float32Array;
}

/** Whether the worker pool is in use. */
export function isThreaded(): boolean {
  return threaded;
}

/** A host Float32Array as a device array of the given shape. */
export function fromHost(buf: Float32Array, shape: number[]): Arr {
  return jx().numpy.array(buf).reshape(shape);
}

/** A boolean device mask from a 0/1 byte buffer of the given shape. */
export function boolMask(buf: Uint8Array, shape: number[]): Arr {
  const np = jx().numpy;
  return np.greater(np.array(Float32Array.from(buf)).reshape(shape), 0.5);
}

/** jit with the function's own signature (jax-js types its trees structurally). */
export function jitted<F extends (...args: any[]) => any>(f: F): F {
  return jx().jit(f as any) as unknown as F;
}
