// The WebAssembly SIMD kernels of simd-dots.ts, assembled by hand (the encoding helpers are
// src/wasm-encoding.ts, shared with src/cr/host-wasm.ts): `dots`, f32 rows · an f32 vector (f32x4, two
// accumulators, dim % 8 = 0), and `scan`, int8 rows · an int16 vector (i16x8 widening and
// i32x4.dot_i16x8_s, dim % 16 = 0). Both take byte offsets into the module's own memory.

import {
  ADD,
  brIf,
  END,
  F32_ADD,
  F32X4_ADD,
  F32X4_MUL,
  f32Store,
  get,
  I16X8_EXTEND_HIGH_I8X16_S,
  I16X8_EXTEND_LOW_I8X16_S,
  I32X4_ADD,
  I32X4_DOT_I16X8_S,
  i32c,
  i32Lane,
  i32Store,
  lane,
  leb,
  LOOP,
  LT_U,
  section,
  set,
  SHL,
  str,
  tee,
  V128_ZERO,
  v128Load,
  vec,
} from "../../wasm-encoding.ts";

// dots(m, count, dim, v, out): byte offsets m, v, out; locals r, j, dimB (i32), a0, a1 (v128)
const [M, COUNT, DIM, V, OUT, R, J, DIMB, A0, A1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function body(): number[] {
  const fma = (acc: number, off: number) => [
    ...get(acc),
    ...get(M),
    ...get(J),
    ADD,
    ...v128Load(off),
    ...get(V),
    ...get(J),
    ADD,
    ...v128Load(off),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(acc),
  ];
  const code = [
    ...get(DIM),
    ...i32c(2),
    SHL,
    ...set(DIMB),
    ...i32c(0),
    ...set(R),
    ...LOOP, // rows
    ...V128_ZERO,
    ...set(A0),
    ...V128_ZERO,
    ...set(A1),
    ...i32c(0),
    ...set(J),
    ...LOOP, // 8 floats a turn
    ...fma(A0, 0),
    ...fma(A1, 16),
    ...get(J),
    ...i32c(32),
    ADD,
    ...tee(J),
    ...get(DIMB),
    LT_U,
    ...brIf(0),
    END,
    ...get(OUT),
    ...get(A0),
    ...get(A1),
    ...F32X4_ADD,
    ...tee(A0),
    ...lane(0),
    ...get(A0),
    ...lane(1),
    F32_ADD,
    ...get(A0),
    ...lane(2),
    F32_ADD,
    ...get(A0),
    ...lane(3),
    F32_ADD,
    ...f32Store,
    ...get(OUT),
    ...i32c(4),
    ADD,
    ...set(OUT),
    ...get(M),
    ...get(DIMB),
    ADD,
    ...set(M),
    ...get(R),
    ...i32c(1),
    ADD,
    ...tee(R),
    ...get(COUNT),
    LT_U,
    ...brIf(0),
    END,
    END,
  ];
  const locals = vec([
    [3, 0x7f],
    [2, 0x7b],
  ]);
  const fn = [...locals, ...code];
  return [...leb(fn.length), ...fn];
}

// scan(codes, count, dim, q, out): int8 rows (count, dim), dim % 16 = 0; q int16 (dim); out int32 (count).
// locals r, j, jq (i32), a, x (v128)
function scanBody(): number[] {
  const [C, CNT, D, Q, O, r, j, jq, a, x] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const half = (extend: number[], off: number) => [
    ...get(a),
    ...get(x),
    ...extend,
    ...get(Q),
    ...get(jq),
    ADD,
    ...v128Load(off),
    ...I32X4_DOT_I16X8_S,
    ...I32X4_ADD,
    ...set(a),
  ];
  const code = [
    ...i32c(0),
    ...set(r),
    ...LOOP, // rows
    ...V128_ZERO,
    ...set(a),
    ...i32c(0),
    ...set(j),
    ...i32c(0),
    ...set(jq),
    ...LOOP, // 16 codes a turn
    ...get(C),
    ...get(j),
    ADD,
    ...v128Load(0),
    ...set(x),
    ...half(I16X8_EXTEND_LOW_I8X16_S, 0),
    ...half(I16X8_EXTEND_HIGH_I8X16_S, 16),
    ...get(jq),
    ...i32c(32),
    ADD,
    ...set(jq),
    ...get(j),
    ...i32c(16),
    ADD,
    ...tee(j),
    ...get(D),
    LT_U,
    ...brIf(0),
    END,
    ...get(O),
    ...get(a),
    ...i32Lane(0),
    ...get(a),
    ...i32Lane(1),
    ADD,
    ...get(a),
    ...i32Lane(2),
    ADD,
    ...get(a),
    ...i32Lane(3),
    ADD,
    ...i32Store,
    ...get(O),
    ...i32c(4),
    ADD,
    ...set(O),
    ...get(C),
    ...get(D),
    ADD,
    ...set(C),
    ...get(r),
    ...i32c(1),
    ADD,
    ...tee(r),
    ...get(CNT),
    LT_U,
    ...brIf(0),
    END,
    END,
  ];
  const locals = vec([
    [3, 0x7f],
    [2, 0x7b],
  ]);
  const fn = [...locals, ...code];
  return [...leb(fn.length), ...fn];
}

/** The module: both functions and an exported memory of `pages` 64 KiB pages. */
export function moduleBytes(pages: number): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 5 }, () => [0x7f])), 0x00]])),
    ...section(3, vec([[0], [0]])),
    ...section(5, vec([[0x00, ...leb(pages)]])),
    ...section(
      7,
      vec([
        [...str("dots"), 0x00, 0],
        [...str("scan"), 0x00, 1],
        [...str("memory"), 0x02, 0],
      ]),
    ),
    ...section(10, vec([body(), scanBody()])),
  ]);
}

/** The slice of the WebAssembly JS API used here (the project's TS lib settings do not declare it). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, unknown> };
}
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
