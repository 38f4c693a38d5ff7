import { describe, expect, it } from "vitest";
import { renderToolRules, ToolRuleSolver } from "./tool-rules.ts";

const ALL = ["a", "b", "c", "d"];
const sorted = (s: Set<string>) => [...s].sort();

describe("ToolRuleSolver", () => {
  it("offers the init tools first, then everything; an unknown init tool does not block the agent", () => {
    const s = new ToolRuleSolver([{ type: "run_first", toolName: "b" }]);
    expect(sorted(s.allowed(ALL, null))).toEqual(["b"]);
    expect(s.mustCallTool()).toBe(true);
    s.record("b");
    expect(sorted(s.allowed(ALL, null))).toEqual(ALL);
    expect(s.mustCallTool()).toBe(false);
    expect(sorted(new ToolRuleSolver([{ type: "run_first", toolName: "zz" }]).allowed(ALL, null))).toEqual(
      ALL,
    );
  });

  it("routes on a conditional tool's output, with a default and a strict mode", () => {
    const rule = {
      type: "conditional" as const,
      toolName: "a",
      childOutputMapping: { yes: "b", "42": "c", true: "d" },
      defaultChild: null,
      requireOutputMapping: false,
    };
    const s = new ToolRuleSolver([rule]);
    s.record("a");
    expect(sorted(s.allowed(ALL, "yes"))).toEqual(["b"]);
    expect(sorted(s.allowed(ALL, "42.0"))).toEqual(["c"]);
    expect(sorted(s.allowed(ALL, "True"))).toEqual(["d"]);
    expect(sorted(s.allowed(ALL, "other"))).toEqual(ALL);
    expect(s.mustCallTool()).toBe(true);
    const withDefault = new ToolRuleSolver([{ ...rule, defaultChild: "c" }]);
    withDefault.record("a");
    expect(sorted(withDefault.allowed(ALL, "other"))).toEqual(["c"]);
    // strict: nothing matches, nothing is allowed — and an empty set falls back to all tools, as Letta does
    const strict = new ToolRuleSolver([{ ...rule, requireOutputMapping: true }]);
    strict.record("a");
    expect(sorted(strict.allowed(ALL, "other"))).toEqual(ALL);
  });

  it("keeps a parent's children out until the parent ran", () => {
    const s = new ToolRuleSolver([{ type: "parent_last_tool", toolName: "a", children: ["c", "d"] }]);
    expect(sorted(s.allowed(ALL, null))).toEqual(["a", "b"]);
    s.record("a");
    expect(sorted(s.allowed(ALL, null))).toEqual(["c", "d"]);
  });

  it("intersects child and max-count rules and names the violated rules in the error", () => {
    const s = new ToolRuleSolver([
      { type: "constrain_child_tools", toolName: "a", children: ["a", "b"] },
      { type: "max_count_per_step", toolName: "a", maxCountLimit: 1 },
    ]);
    s.record("a");
    expect(sorted(s.allowed(ALL, null))).toEqual(["b"]);
    const text = s.violation("c", ["b"]);
    expect(text).toContain('[ToolConstraintError] Cannot call c, valid tools include: ["b"].');
    expect(text).toContain("After using a, you must use one of these tools: a, b");
    expect(s.continueReason("a")).toBe("Continuing: child tool rule.");
  });

  it("tracks required-before-exit tools and renders Letta's rule prompt", () => {
    const s = new ToolRuleSolver([
      { type: "required_before_exit", toolName: "b" },
      { type: "exit_loop", toolName: "d" },
    ]);
    expect(s.uncalledRequired(ALL)).toEqual(["b"]);
    expect(s.uncalledRequired(["a"])).toEqual([]);
    s.record("b");
    expect(s.uncalledRequired(ALL)).toEqual([]);
    expect(s.isTerminal("d")).toBe(true);
    expect(renderToolRules([{ type: "exit_loop", toolName: "d" }])).toContain(
      "<tool_rule>\nd ends your response (yields control) when called\n</tool_rule>",
    );
    expect(renderToolRules([{ type: "requires_approval", toolName: "d" }])).toBeNull();
  });
});
