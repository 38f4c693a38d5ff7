// The LoCoMo bench's optional peers: a peer whose package is not installed in bench/peers, or that gets no
// embedder, returns a row saying exactly why instead of failing the bench.
import { describe, expect, it } from "vitest";
import type { LocomoConversation } from "../bench/locomo/peer.ts";
import { importPeerModule, NOT_INSTALLED } from "../bench/locomo/peers/installed.ts";
import mastra from "../bench/locomo/peers/mastra.ts";
import mem0 from "../bench/locomo/peers/mem0.ts";

const conv: LocomoConversation = {
  sampleId: "tiny",
  speakers: ["Ann", "Bob"],
  sessions: [
    { index: 1, dateTime: "1:00 pm on 8 May, 2023", turns: [{ diaId: "D1:1", speaker: "Ann", text: "Hi" }] },
  ],
};

describe("bench peers", () => {
  it("loads nothing that bench/peers does not hold", async () => {
    expect(await importPeerModule("no-such-package-lmos-bench")).toBeNull();
  });

  it("mem0 and Mastra skip with the reason when not installed or given no embedder", async () => {
    for (const peer of [mem0, mastra]) {
      const out = await peer.run(conv, [{ question: "hi?", category: 4, evidence: ["D1:1"] }], {});
      expect(out).toEqual({
        skipped: expect.stringMatching(new RegExp(`^(${NOT_INSTALLED}|no embedder served in this run)`)),
      });
    }
  });
});
