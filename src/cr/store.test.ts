import { describe, expect, it } from "vitest";
import { MemoryDb } from "./memory-db.ts";
import { makeEpisode, makeLifelong, demoHasKey } from "./task.ts";
import { decodeSafetensors, encodeSafetensors } from "./weights.ts";
import { VOCAB } from "./config.ts";

describe("hierarchical memory database", () => {
  const db = new MemoryDb();
  for (let c = 0; c < 2; c++) {
    const kids = [0, 1, 2, 3].map((a) => `L1:${c * 4 + a}`);
    kids.forEach((id, a) => {
      db.add({ id, level: 1, chunk: c, vec: Float32Array.from([c, a]), tokens: [a, a, a, a], children: [] });
    });
    db.add({ id: `L2:${c}`, level: 2, chunk: c, vec: Float32Array.from([c, 9]), tokens: [], children: kids });
  }
  db.add({
    id: "L3:0",
    level: 3,
    chunk: -1,
    vec: Float32Array.from([7, 7]),
    tokens: [],
    children: ["L2:0", "L2:1"],
  });

  it("round-trips through bytes and through per-node records", () => {
    for (const back of [MemoryDb.fromBytes(db.toBytes()), MemoryDb.fromRecords(db.toRecords().reverse())]) {
      expect(back.shape()).toEqual([0, 8, 2, 1]);
      expect(back.levels).toEqual(db.levels);
      expect(back.get("L3:0").children).toEqual(["L2:0", "L2:1"]);
      expect([...back.get("L1:5").vec]).toEqual([1, 1]);
      expect(back.topLevel).toBe(3);
    }
  });
});

describe("safetensors layout", () => {
  it("round-trips tensors and metadata with an 8-byte aligned data section", () => {
    const t = new Map([
      ["a.b", { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ["c", { shape: [1], data: Float32Array.from([-1]) }],
    ]);
    const bytes = encodeSafetensors(t, { stage: "A" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.meta).toEqual({ stage: "A" });
    expect([...(back.tensors.get("a.b")?.data ?? [])]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.tensors.get("c")?.shape).toEqual([1]);
  });
});

describe("synthetic task", () => {
  it("setting (a): 6 demos of 16 tokens, 2 relevant, the answer demo holds the key", () => {
    for (let s = 0; s < 50; s++) {
      const ep = makeEpisode(s);
      expect(ep.demos).toHaveLength(6);
      expect(ep.demos.every((d) => d.length === 16)).toBe(true);
      expect(ep.relevant).toHaveLength(2);
      for (const q of ep.queries) {
        expect(ep.relevant).toContain(q.answerDemo);
        const d = ep.demos[q.answerDemo] as number[];
        expect(demoHasKey(d, q.key)).toBe(true);
        const i = d.indexOf(VOCAB.KEY0 + q.key);
        expect(d[i + 1]).toBe(q.label);
      }
    }
    expect(makeEpisode(3)).toEqual(makeEpisode(3)); // deterministic
  });

  it("setting (b): a store whose queries are answered by some demo", () => {
    const st = makeLifelong(1, 64, 10);
    expect(st.demos).toHaveLength(64);
    for (const q of st.queries) expect(demoHasKey(st.demos[q.answerDemo] as number[], q.key)).toBe(true);
  });
});
