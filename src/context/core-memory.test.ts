import { describe, expect, it } from "vitest";
import { compileSystemPrompt, renderCoreMemory } from "./index.ts";
import { agentRecord, blockRecord } from "./records.testkit.ts";

const counts = { recall: 12, archival: 3, archivalTags: ["work", "family"] };
const now = "2026-03-01T14:05:09.000Z";

describe("renderCoreMemory", () => {
  it("renders each block in Letta's format with its chars and limit", () => {
    const text = renderCoreMemory([
      blockRecord("persona", "I am Sam.", { limit: 2000 }),
      blockRecord("human", "Name: Ada.", { readOnly: true }),
    ]);
    expect(text).toBe(
      [
        "<memory_blocks>",
        "The following memory blocks are currently engaged in your core memory unit:",
        "",
        "<persona>",
        "<description>",
        "The persona block.",
        "</description>",
        "<metadata>",
        "- chars_current=9",
        "- chars_limit=2000",
        "</metadata>",
        "<value>",
        "I am Sam.",
        "</value>",
        "</persona>",
        "",
        "<human>",
        "<description>",
        "The human block.",
        "</description>",
        "<metadata>",
        "- read_only=true",
        "- chars_current=10",
        "- chars_limit=5000",
        "</metadata>",
        "<value>",
        "Name: Ada.",
        "</value>",
        "</human>",
        "",
        "</memory_blocks>",
      ].join("\n"),
    );
  });

  it("renders nothing without blocks", () => {
    expect(renderCoreMemory([])).toBe("");
  });
});

describe("compileSystemPrompt", () => {
  const blocks = [blockRecord("human", "Likes teal.")];

  it("appends memory and metadata after the agent's text when there is no placeholder", () => {
    const agent = agentRecord({ memoryEditedAt: "2026-02-28T09:30:00.000Z" });
    const prompt = compileSystemPrompt({
      agent,
      blocks,
      counts,
      now,
      extraSections: ["<open_files>\nx\n</open_files>"],
    });
    expect(prompt.startsWith(`${agent.system}\n\n<memory_blocks>`)).toBe(true);
    expect(prompt).toContain("- chars_current=11\n- chars_limit=5000");
    expect(prompt).toContain("</memory_blocks>\n\n<open_files>\nx\n</open_files>\n\n<memory_metadata>");
    expect(prompt).toContain("- The current system date is: 2026-03-01 02:05 PM UTC+0000");
    expect(prompt).toContain("- Memory blocks were last modified: 2026-02-28 09:30:00 AM UTC+0000");
    expect(prompt).toContain("- 12 previous messages between you and the user are stored in recall memory");
    expect(prompt).toContain("- 3 total memories you created are stored in archival memory");
    expect(prompt).toContain("- Available archival memory tags: work, family");
    expect(prompt.endsWith("</memory_metadata>")).toBe(true);
  });

  it("replaces {CORE_MEMORY} in place and accepts the kernel's count names and named sections", () => {
    const agent = agentRecord({ system: "Intro.\n{CORE_MEMORY}\nOutro." });
    const prompt = compileSystemPrompt({
      agent,
      blocks,
      counts: { recallMessages: 0, archivalPassages: 0, archivalTags: [] },
      now,
      extraSections: [{ name: "files", text: "<open_files>f</open_files>" }],
    });
    expect(prompt.startsWith("Intro.\n<memory_blocks>")).toBe(true);
    expect(prompt.endsWith("</memory_metadata>\nOutro.")).toBe(true);
    expect(prompt).toContain("<open_files>f</open_files>");
    expect(prompt).not.toContain("{CORE_MEMORY}");
    expect(prompt).not.toContain("archival memory (use tools"); // no archival line when there are none
    expect(prompt).toContain("- Memory blocks were last modified: never");
  });
});
