// The measured native ceilings for `npm run bench -- cr`: compiles bench/cr-native.cpp with g++
// (-O3 -mavx2 -mfma) when g++ is on the PATH and runs it; null when it is not (the spec estimate stays).
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** GFLOP/s of an AVX2 FMA loop and a plain packed AVX2 sgemm 512³, on 1 and 2 threads. */
export interface NativeCeilings {
  fma_peak_1t: number;
  fma_peak_2t: number;
  sgemm512_1t: number;
  sgemm512_2t: number;
}

/** Best of `runs` runs of the native program (the machine is shared: the best run is the ceiling). */
export function nativeCeilings(runs = 5): NativeCeilings | null {
  const src = new URL("./cr-native.cpp", import.meta.url).pathname;
  const bin = join(mkdtempSync(join(tmpdir(), "lmos-cr-")), "cr-native");
  const cc = spawnSync("g++", ["-O3", "-mavx2", "-mfma", "-pthread", src, "-o", bin], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) return null;
  let best: NativeCeilings | null = null;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(bin, { encoding: "utf8" });
    if (r.status !== 0) return null;
    const m = JSON.parse(r.stdout) as NativeCeilings;
    best = best
      ? {
          fma_peak_1t: Math.max(best.fma_peak_1t, m.fma_peak_1t),
          fma_peak_2t: Math.max(best.fma_peak_2t, m.fma_peak_2t),
          sgemm512_1t: Math.max(best.sgemm512_1t, m.sgemm512_1t),
          sgemm512_2t: Math.max(best.sgemm512_2t, m.sgemm512_2t),
        }
      : m;
  }
  return best;
}
