// out[r] = rows[r]·v for every row of a (count, dim) float32 matrix (DotMatrix), and the same for int8 rows
// against an int16 vector (Int8Scan), on WebAssembly SIMD kernels (simd-kernels.ts). Why: the IVF index's
// training and building are dominated by comparing vectors with every centroid, and its queries by
// scanning int8 codes (ivf.ts); V8 runs those typed-array loops at ~1 GFLOP/s, the kernels ~4–10× faster.
// The matrix lives in the kernel's own memory (copied in once); a dim the kernel does not take, or a
// runtime without wasm SIMD, falls back to plain TypeScript loops.
import { moduleBytes, wasmApi } from "./simd-kernels.ts";

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
