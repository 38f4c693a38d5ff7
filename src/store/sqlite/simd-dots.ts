// out[r] = rows[r]·v for every row of a (count, dim) float32 matrix, by a small hand-assembled WebAssembly
// SIMD kernel (f32x4, two accumulators); and the same for int8 rows against an int16 vector (Int8Scan:
// i16x8 widening and i32x4.dot_i16x8_s), which scans the IVF index's codes. Why: the IVF index's training and building are dominated by
// comparing vectors with every centroid (ivf.ts), and V8 runs those Float32Array loops at ~1 GFLOP/s; the
// kernel is several times faster (the same reasoning and encoding as src/cr/host-wasm.ts, which the store
// layer may not import). The matrix lives in the kernel's own memory (`load` copies it in once); a dim
// that is not a multiple of 8 falls back to plain TypeScript.

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const str = (s: string) => vec([...s].map((c) => [c.charCodeAt(0)]));
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const i32c = (n: number) => [0x41, ...leb(n)]; // small non-negative constants only (< 64)
const ADD = 0x6a;
const LT_U = 0x49;
const SHL = 0x74;
const LOOP = [0x03, 0x40];
const END = 0x0b;
const brIf = (d: number) => [0x0d, d];
const v128Load = (off: number) => [0xfd, 0x00, 4, ...leb(off)];
const V128_ZERO = [0xfd, 0x0c, ...new Array(16).fill(0)];
const F32X4_ADD = [0xfd, ...leb(228)];
const F32X4_MUL = [0xfd, ...leb(230)];
const lane = (l: number) => [0xfd, 0x1f, l];
const F32_ADD = 0x92;
const f32Store = [0x38, 2, 0];
const i32Store = [0x36, 2, 0];
const I16X8_EXTEND_LOW_I8X16_S = [0xfd, ...leb(135)];
const I16X8_EXTEND_HIGH_I8X16_S = [0xfd, ...leb(136)];
const I32X4_DOT_I16X8_S = [0xfd, ...leb(186)];
const I32X4_ADD = [0xfd, ...leb(174)];
const i32Lane = (l: number) => [0xfd, 0x1b, l];

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

function moduleBytes(pages: number): Uint8Array {
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
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
type DotsFn = (m: number, count: number, dim: number, v: number, out: number) => void;

/** A (count, dim) matrix held for repeated matrix-vector products. */
export class DotMatrix {
  readonly count: number;
  readonly dim: number;
  readonly #fn: DotsFn | null;
  readonly #m: Float32Array; // in wasm memory when #fn, else the caller's copy
  readonly #v: Float32Array;
  readonly #out: Float32Array;

  constructor(matrix: Float32Array, count: number, dim: number) {
    this.count = count;
    this.dim = dim;
    let fn: DotsFn | null = null;
    let buffer: ArrayBuffer | null = null;
    if (wasmApi && dim % 8 === 0 && count > 0) {
      try {
        const bytes = (count * dim + dim + count) * 4;
        const inst = new wasmApi.Instance(new wasmApi.Module(moduleBytes(Math.ceil(bytes / 65536) + 1)));
        fn = inst.exports.dots as DotsFn;
        buffer = (inst.exports.memory as { buffer: ArrayBuffer }).buffer;
      } catch {
        fn = null; // no wasm SIMD here: plain loops
      }
    }
    this.#fn = fn;
    if (fn && buffer) {
      this.#m = new Float32Array(buffer, 0, count * dim);
      this.#v = new Float32Array(buffer, count * dim * 4, dim);
      this.#out = new Float32Array(buffer, (count * dim + dim) * 4, count);
    } else {
      this.#m = new Float32Array(count * dim);
      this.#v = new Float32Array(dim);
      this.#out = new Float32Array(count);
    }
    this.#m.set(matrix.subarray(0, count * dim));
  }

  /** The products of every row with v[vi..vi+dim]; the returned array is reused by the next call. */
  dots(v: Float32Array, vi = 0): Float32Array {
    const { dim, count } = this;
    this.#v.set(v.subarray(vi, vi + dim));
    if (this.#fn) {
      this.#fn(this.#m.byteOffset, count, dim, this.#v.byteOffset, this.#out.byteOffset);
      return this.#out;
    }
    const m = this.#m;
    const x = this.#v;
    for (let r = 0; r < count; r++) {
      let s = 0;
      const at = r * dim;
      for (let j = 0; j < dim; j++) s += m[at + j] * x[j];
      this.#out[r] = s;
    }
    return this.#out;
  }
}

type ScanFn = (codes: number, count: number, dim: number, q: number, out: number) => void;

/** Scores int8 rows against one int16 query: set the query, then `scan` each block of rows. */
export class Int8Scan {
  readonly dim: number;
  #fn: ScanFn | null = null;
  #memory: { buffer: ArrayBuffer; grow(pages: number): number } | null = null;
  #rows = 0; // rows the memory has room for
  #q = new Int16Array(0);
  #codes = new Int8Array(0);
  #out = new Int32Array(0);

  constructor(dim: number) {
    this.dim = dim;
    if (wasmApi && dim % 16 === 0) {
      try {
        const inst = new wasmApi.Instance(new wasmApi.Module(moduleBytes(1)));
        this.#fn = inst.exports.scan as ScanFn;
        this.#memory = inst.exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
      } catch {
        this.#fn = null;
      }
    }
    this.#room(1_024);
  }

  /** The largest |q[j]| such that no sum of dim products with int8 codes overflows int32. */
  static qMax(dim: number): number {
    return Math.min(32_767, Math.floor(2 ** 31 / (dim * 128)) - 1);
  }

  #room(rows: number): void {
    if (rows <= this.#rows && this.#q.length === this.dim) return;
    const dim = this.dim;
    const q = Int16Array.from(this.#q); // growing the memory detaches the old views
    if (this.#memory) {
      const bytes = dim * 2 + rows * (dim + 4) + 64;
      const have = this.#memory.buffer.byteLength;
      if (bytes > have) this.#memory.grow(Math.ceil((bytes - have) / 65536));
      const buf = this.#memory.buffer;
      this.#q = new Int16Array(buf, 0, dim);
      const codesAt = Math.ceil((dim * 2) / 16) * 16;
      this.#codes = new Int8Array(buf, codesAt, rows * dim);
      const outAt = Math.ceil((codesAt + rows * dim) / 16) * 16;
      this.#out = new Int32Array(buf, outAt, rows);
    } else {
      this.#q = new Int16Array(dim);
      this.#codes = new Int8Array(rows * dim);
      this.#out = new Int32Array(rows);
    }
    this.#q.set(q.subarray(0, dim));
    this.#rows = rows;
  }

  /** Sets the query (already scaled to int16, at most qMax(dim) in magnitude). */
  setQuery(q: Int16Array): void {
    this.#room(this.#rows);
    this.#q.set(q.subarray(0, this.dim));
  }

  /** The int32 products of the first `count` rows of `codes` (count, dim) with the query; reused. */
  scan(codes: Int8Array, count: number): Int32Array {
    const dim = this.dim;
    this.#room(Math.max(count, this.#rows));
    const out = this.#out;
    if (this.#fn) {
      this.#codes.set(codes.subarray(0, count * dim));
      this.#fn(this.#codes.byteOffset, count, dim, this.#q.byteOffset, out.byteOffset);
      return out;
    }
    const q = this.#q;
    for (let r = 0; r < count; r++) {
      let s = 0;
      const at = r * dim;
      for (let j = 0; j < dim; j++) s += codes[at + j] * q[j];
      out[r] = s;
    }
    return out;
  }
}
