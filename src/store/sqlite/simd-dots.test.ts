// The SIMD matrix-vector kernel gives the plain dot products, for dims it takes (multiples of 8) and for
// those it leaves to plain TypeScript, and keeps its own copy of the matrix.
import { expect, it } from "vitest";
import { DotMatrix, Int8Scan } from "./simd-dots.ts";

it.each([8, 384, 512, 12, 1])("gives every row's dot product with the vector (dim %i)", (dim) => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const count = 37;
  const m = Float32Array.from({ length: count * dim }, rand);
  const v = Float32Array.from({ length: 3 * dim }, rand); // the vector at an offset inside a longer array
  const want = Array.from({ length: count }, (_, r) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += m[r * dim + j] * v[dim + j];
    return s;
  });
  const dm = new DotMatrix(m, count, dim);
  m.fill(0);
  const got = dm.dots(v, dim);
  expect(got.length).toBe(count);
  for (let r = 0; r < count; r++) expect(got[r]).toBeCloseTo(want[r], 5);
});

it.each([16, 384, 1536, 24])("scores int8 rows against an int16 query exactly (dim %i)", (dim) => {
  const qMax = Int8Scan.qMax(dim);
  const scan = new Int8Scan(dim);
  for (const count of [3, 2_000, 5]) {
    // Extreme values: every product at its largest magnitude, so an overflow would show.
    const codes = Int8Array.from({ length: count * dim }, (_, i) => (i % 3 === 0 ? -128 : 127));
    const q = Int16Array.from({ length: dim }, (_, j) => (j % 2 ? qMax : -qMax));
    scan.setQuery(q);
    const got = scan.scan(codes, count);
    for (const r of [0, count - 1]) {
      let want = 0;
      for (let j = 0; j < dim; j++) want += codes[r * dim + j] * q[j];
      expect(got[r]).toBe(want);
    }
  }
});
