import { expect, it } from "vitest";
import type { Store } from "../store/types.ts";
import { storeRunEnd } from "./run-end.ts";

it("reports a run end the store refused, and stores it once the store answers again", async () => {
  const stored: unknown[] = [];
  let refusals = 2;
  // only the one method storeRunEnd calls; the database "restarts" for its first two calls
  const store = {
    async updateRun(id: string, patch: unknown) {
      if (refusals-- > 0) throw new Error("the PostgreSQL database is unreachable");
      stored.push({ id, ...(patch as object) });
    },
  } as unknown as Store;
  const end = { status: "failed", stopReason: "error", completedAt: "2026-12-04T18:00:00.000Z" } as const;
  await expect(storeRunEnd(store, "run-1", end)).rejects.toThrow(/unreachable/);
  expect(stored).toEqual([]);
  for (const deadline = Date.now() + 30_000; stored.length === 0 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(stored).toEqual([{ id: "run-1", ...end }]);
});
