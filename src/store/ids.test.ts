import { describe, expect, it } from "vitest";
import { newId, uuidv7 } from "./ids.ts";

describe("ids", () => {
  it("are Letta-style prefixed UUIDs of version 7 that sort by the time they were made", () => {
    const id = newId("message");
    expect(id).toMatch(/^message-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const times = [1, 2_000, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47];
    const made = times.map((t) => uuidv7(t));
    expect([...made].sort()).toEqual(made);
    expect(made[2].slice(0, 13).replace("-", "")).toBe((1_700_000_000_000).toString(16).padStart(12, "0"));
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(5))).size).toBe(1000);
  });
});
