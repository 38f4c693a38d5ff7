// A hand-assembled WebAssembly SIMD kernel for the plain-TS retrieval forward: y[T,O] += x[T,I]·W[I,O]
// (row-major W, O a multiple of 16). Why: V8 runs the Float32Array loops of host-math.ts at only
// ~0.8–1.5 GFLOP/s; f32x4 with 4 accumulators of 16 outputs and no horizontal sums is several times
// faster for the ≤ 10-row passes of retrieval. Node 20 has wasm SIMD on by default.

import {
  ADD,
  brIf,
  END,
  F32_LOAD,
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  get,
  i32c,
  leb,
  LOOP,
  LT_U,
  section,
  set,
  SHL,
  str,
  tee,
  v128Load,
  v128Store,
  vec,
} from "../wasm-encoding.ts";

// params: x T I w O y (byte offsets / counts); locals: t ot i xr wp yp Ob Ib (i32), a0..a3 xv (v128)
const [X, T, I, W, O, Y, t, ot, i, xr, wp, yp, Ob, Ib, a0] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
];
const xv = 18;

function body(): number[] {
  const acc = (k: number) => [
    ...get(a0 + k),
    ...get(xv),
    ...get(wp),
    ...v128Load(16 * k),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(a0 + k),
  ];
  const code = [
    ...get(I),
    ...i32c(2),
    SHL,
    ...set(Ib),
    ...get(O),
    ...i32c(2),
    SHL,
    ...set(Ob),
    ...i32c(0),
    ...set(t),
    ...get(X),
    ...set(xr),
    ...get(Y),
    ...set(yp),
    ...LOOP, // rows
    ...i32c(0),
    ...set(ot),
    ...LOOP, // 16-output tiles
    ...[0, 1, 2, 3].flatMap((k) => [...get(yp), ...get(ot), ADD, ...v128Load(16 * k), ...set(a0 + k)]),
    ...get(W),
    ...get(ot),
    ADD,
    ...set(wp),
    ...i32c(0),
    ...set(i),
    ...LOOP, // inner dimension
    ...get(xr),
    ...get(i),
    ADD,
    ...F32_LOAD,
    ...F32X4_SPLAT,
    ...set(xv),
    ...acc(0),
    ...acc(1),
    ...acc(2),
    ...acc(3),
    ...get(wp),
    ...get(Ob),
    ADD,
    ...set(wp),
    ...get(i),
    ...i32c(4),
    ADD,
    ...tee(i),
    ...get(Ib),
    LT_U,
    ...brIf(0),
    END,
    ...[0, 1, 2, 3].flatMap((k) => [...get(yp), ...get(ot), ADD, ...get(a0 + k), ...v128Store(16 * k)]),
    ...get(ot),
    ...i32c(64),
    ADD,
    ...tee(ot),
    ...get(Ob),
    LT_U,
    ...brIf(0),
    END,
    ...get(xr),
    ...get(Ib),
    ADD,
    ...set(xr),
    ...get(yp),
    ...get(Ob),
    ADD,
    ...set(yp),
    ...get(t),
    ...i32c(1),
    ADD,
    ...tee(t),
    ...get(T),
    LT_U,
    ...brIf(0),
    END,
    END,
  ];
  const locals = vec([
    [8, 0x7f],
    [5, 0x7b],
  ]);
  const fn = [...locals, ...code];
  return [...leb(fn.length), ...fn];
}

function moduleBytes(pages: number): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 6 }, () => [0x7f])), 0x00]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...leb(pages)]])),
    ...section(
      7,
      vec([
        [...str("mm"), 0x00, 0],
        [...str("memory"), 0x02, 0],
      ]),
    ),
    ...section(10, vec([body()])),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's TS lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type MmFn = (x: number, T: number, I: number, w: number, O: number, y: number) => void;

/** A bump allocator of Float32Arrays in one wasm memory, and the SIMD matmul over them. */
export class WasmMath {
  readonly #mm: MmFn;
  readonly #buf: ArrayBuffer;
  #top = 0;

  /** `floats` = total capacity (all arrays ever allocated). */
  constructor(floats: number) {
    const pages = Math.ceil((floats * 4 + 64) / 65536);
    const inst = new wasmApi.Instance(new wasmApi.Module(moduleBytes(pages)));
    this.#mm = inst.exports.mm as MmFn;
    this.#buf = (inst.exports.memory as { buffer: ArrayBuffer }).buffer;
  }

  /** A zeroed array of n floats inside the wasm memory (16-byte aligned). */
  alloc(n: number): Float32Array {
    const a = new Float32Array(this.#buf, this.#top, n);
    this.#top += Math.ceil((n * 4) / 16) * 16;
    return a;
  }

  /** y[T,O] += x[T,I]·W[I,O]; all three allocated here; O % 16 = 0. */
  mm(x: Float32Array, T: number, I: number, w: Float32Array, O: number, y: Float32Array): void {
    this.#mm(x.byteOffset, T, I, w.byteOffset, O, y.byteOffset);
  }
}

/** Whether an output width suits the kernel. */
export const simdFits = (O: number, I: number) => O % 16 === 0 && I > 0;
