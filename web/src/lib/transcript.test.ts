// The chat's transcript model: streamed chunks and stored parts merge into the same parts, and parts group
// into turns with their memory edits.
import { describe, expect, it } from "vitest";
import type { LettaMessage } from "../api/types.ts";
import { groupTurns, memoryEditOf, mergePart, type Part, toolResultText } from "./transcript.ts";

const base = { date: "2026-01-01T00:00:00Z", step_id: "step-1", run_id: "run-1" };
const user = (id: string, content: string): LettaMessage => ({
  ...base,
  id,
  otid: `${id}-text`,
  message_type: "user_message",
  content,
});

describe("transcript", () => {
  it("grows a streamed reply chunk by chunk into the part the stored message gives", () => {
    const chunks: LettaMessage[] = ["Nice to ", "meet ", "you."].map((content) => ({
      ...base,
      id: "m1",
      otid: "m1-call0",
      message_type: "assistant_message",
      content,
    }));
    const streamed = chunks.reduce<Part[]>(mergePart, []);
    const stored = mergePart([], { ...chunks[0], content: "Nice to meet you." });
    expect({ ...streamed[0], chunks: undefined }).toEqual({ ...stored[0], chunks: undefined });
    expect(streamed[0]).toMatchObject({ kind: "reply", text: "Nice to meet you.", chunks: 3 });
  });

  it("assembles a tool call's arguments from deltas and reads the memory edit it makes", () => {
    const call = (args: string, name: string | null): LettaMessage => ({
      ...base,
      id: "m2",
      otid: "m2-call0",
      message_type: "tool_call_message",
      tool_call: { name, arguments: args, tool_call_id: "c1" },
    });
    const parts = [
      call('{"label":"human",', "core_memory_replace"),
      call('"old_content":"a","new_content":"b"}', null),
    ].reduce<Part[]>(mergePart, []);
    expect(parts).toHaveLength(1);
    expect(memoryEditOf(parts[0])).toEqual({ label: "human", removed: "a", added: "b", rewrite: false });
    // Half-streamed arguments are no edit yet.
    expect(memoryEditOf(mergePart([], call('{"label":"hu', "core_memory_append"))[0])).toBeNull();
  });

  it("groups parts into turns at each person's message, kernel alerts staying inside the turn", () => {
    const parts = [
      user("u1", "hi"),
      { ...base, id: "a1", otid: "a1-reasoning", message_type: "reasoning_message", reasoning: "greet" },
      user("h1", JSON.stringify({ type: "heartbeat", reason: "requested", time: "now" })),
      user("u2", "again"),
    ].reduce<Part[]>(mergePart, []);
    const turns = groupTurns(parts);
    expect(turns.map((t) => t.user?.text)).toEqual(["hi", "again"]);
    expect(turns[0].parts.map((p) => p.kind)).toEqual(["reasoning", "alert"]);
    expect(turns[0].parts[1].text).toBe("Heartbeat: requested");
  });

  it("shows a tool result's message, or its text when it is not Letta's packaging", () => {
    expect(toolResultText('{"status":"OK","message":"saved","time":"now"}')).toBe("saved");
    expect(toolResultText("plain")).toBe("plain");
  });
});
