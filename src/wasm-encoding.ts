// The bytes of hand-assembled WebAssembly modules: LEB128, vectors, sections, names, and the opcodes the
// SIMD kernels use (src/cr/host-wasm.ts, the retrieval forward's matmul; src/store/sqlite/simd-kernels.ts,
// the vector index's dot products and int8 scan). Written by hand because no npm package assembles wasm
// at run time without a compiler toolchain, and the kernels are a few dozen instructions each.

/** Unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
/** A wasm vector: its length, then its items. */
export const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
export const str = (s: string) => vec([...s].map((c) => [c.charCodeAt(0)]));

// opcodes
export const get = (i: number) => [0x20, i];
export const set = (i: number) => [0x21, i];
export const tee = (i: number) => [0x22, i];
/** i32.const takes a SIGNED LEB128 (64 needs two bytes: 0xc0 0x00). */
export function i32c(n: number): number[] {
  const out: number[] = [0x41];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
export const ADD = 0x6a;
export const LT_U = 0x49;
export const SHL = 0x74;
export const LOOP = [0x03, 0x40];
export const END = 0x0b;
export const brIf = (d: number) => [0x0d, d];
export const F32_LOAD = [0x2a, 2, 0];
export const F32_ADD = 0x92;
export const f32Store = [0x38, 2, 0];
export const i32Store = [0x36, 2, 0];
export const v128Load = (off: number) => [0xfd, 0x00, 4, ...leb(off)];
export const v128Store = (off: number) => [0xfd, 0x0b, 4, ...leb(off)];
export const V128_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)];
export const F32X4_SPLAT = [0xfd, 0x13];
export const F32X4_ADD = [0xfd, ...leb(228)];
export const F32X4_MUL = [0xfd, ...leb(230)];
export const lane = (l: number) => [0xfd, 0x1f, l];
export const i32Lane = (l: number) => [0xfd, 0x1b, l];
export const I16X8_EXTEND_LOW_I8X16_S = [0xfd, ...leb(135)];
export const I16X8_EXTEND_HIGH_I8X16_S = [0xfd, ...leb(136)];
export const I32X4_DOT_I16X8_S = [0xfd, ...leb(186)];
export const I32X4_ADD = [0xfd, ...leb(174)];
