// Where a jitted step's time goes, from jax-js's own kernel profiler (profiler.startTrace: one
// performance.measure per dispatched kernel). Timings are only true with synchronous dispatch, i.e.
// without the worker pool (1 thread); with workers the measures time the enqueue, not the work.
import { jx } from "./backend.ts";

/** Kernel-time breakdown of one traced call. */
export interface KernelProfile {
  wallMs: number;
  /** Sum of all kernel and routine times. */
  kernelMs: number;
  kernels: number;
  /** Matmul-like kernels: a sum over a product whose operands are broadcast (a zero stride). */
  matmulMs: number;
  matmulFlops: number;
  otherReduceMs: number;
  elementwiseMs: number;
  routineMs: number;
}

interface Devtools {
  trackGroup?: string;
  properties?: Array<[string, string]>;
}

/** Whether a kernel expression is a broadcast product (a matmul as jax-js lowers it). */
function isMatmul(exp: string, reduction: string): boolean {
  if (!reduction.startsWith("Add:") || !exp.includes("*")) return false;
  // views print as {shape:strides:flags}; a matmul broadcasts both operands (a 0 stride each)
  const views = [...exp.matchAll(/\{[\d,]+:([\d,]+):/g)].map((m) => (m[1] ?? "").split(","));
  return views.filter((s) => s.includes("0")).length >= 2;
}

/** Runs `f` once with the profiler on and classifies every kernel it dispatched. */
export async function profileKernels(f: () => Promise<void>): Promise<KernelProfile> {
  const { profiler } = jx();
  performance.clearMeasures();
  profiler.startTrace();
  const t0 = performance.now();
  await f();
  const wallMs = performance.now() - t0;
  profiler.stopTrace();
  const out: KernelProfile = {
    wallMs,
    kernelMs: 0,
    kernels: 0,
    matmulMs: 0,
    matmulFlops: 0,
    otherReduceMs: 0,
    elementwiseMs: 0,
    routineMs: 0,
  };
  for (const e of performance.getEntriesByType("measure")) {
    const dt = (e as unknown as { detail?: { devtools?: Devtools } }).detail?.devtools;
    if (dt?.trackGroup !== "JAX Profiler") continue;
    const props = Object.fromEntries(dt.properties ?? []);
    out.kernels++;
    out.kernelMs += e.duration;
    const red = props.reduction;
    if (!e.name.startsWith("Kernel")) out.routineMs += e.duration;
    else if (!red) out.elementwiseMs += e.duration;
    else if (isMatmul(props.exp ?? "", red)) {
      out.matmulMs += e.duration;
      out.matmulFlops += 2 * Number(props.size) * Number(red.slice(4));
    } else out.otherReduceMs += e.duration;
  }
  performance.clearMeasures();
  return out;
}
