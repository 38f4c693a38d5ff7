// Letta's tool rules over one run (letta/helpers/tool_rule_solver.py): which tools the model may call next
// given the calls so far, whether a tool call must be forced, when the loop stops or must go on, and which
// calls wait for a human. The history is the run's: every call that ran (successful or not), in order.
import type { ToolRule } from "../store/types.ts";

/** Letta's COMPILED_PROMPT_DESCRIPTION: the head of the <tool_usage_rules> section. */
const RULES_DESCRIPTION =
  "The following constraints define rules for tool usage and guide desired behavior. These rules must be followed to ensure proper tool execution and workflow. A single response may contain multiple tool calls.";

type RuleOf<T extends ToolRule["type"]> = Extract<ToolRule, { type: T }>;

/** Letta's render_prompt of one rule (null for rules the prompt does not mention). */
function renderRule(rule: ToolRule): string | null {
  switch (rule.type) {
    case "constrain_child_tools":
      return `<tool_rule>\nAfter using ${rule.toolName}, you must use one of these tools: ${rule.children.join(", ")}\n</tool_rule>`;
    case "parent_last_tool":
      return `<tool_rule>\n${rule.children.join(", ")} can only be used after ${rule.toolName}\n</tool_rule>`;
    case "conditional":
      return `<tool_rule>\n${rule.toolName} will determine which tool to use next based on its output\n</tool_rule>`;
    case "exit_loop":
      return `<tool_rule>\n${rule.toolName} ends your response (yields control) when called\n</tool_rule>`;
    case "continue_loop":
      return `<tool_rule>\n${rule.toolName} requires continuing your response when called\n</tool_rule>`;
    case "max_count_per_step":
      return `<tool_rule>\n${rule.toolName}: at most ${rule.maxCountLimit} use(s) per response\n</tool_rule>`;
    default:
      return null;
  }
}

// Letta's ConditionalToolRule._matches_key, for mapping keys that arrive as JSON object keys (strings).
function matchesKey(output: string, key: string): boolean {
  if (key === "true" || key === "false") return output.toLowerCase() === key;
  if (/^-?\d+(\.\d+)?$/.test(key)) return Number(output) === Number(key);
  return output === key;
}

/** The `<tool_usage_rules>` section of the system prompt, or null when no rule renders. */
export function renderToolRules(rules: ToolRule[]): string | null {
  // Letta's order: init, continue, child-based (child, conditional, max count), parent, terminal.
  const order: ToolRule["type"][] = [
    "run_first",
    "continue_loop",
    "constrain_child_tools",
    "conditional",
    "max_count_per_step",
    "parent_last_tool",
    "exit_loop",
  ];
  const lines: string[] = [];
  for (const type of order) {
    for (const rule of rules) {
      if (rule.type !== type) continue;
      const text = renderRule(rule);
      if (text) lines.push(text);
    }
  }
  if (lines.length === 0) return null;
  return `<tool_usage_rules>\n${RULES_DESCRIPTION}\n\n${lines.join("\n")}\n</tool_usage_rules>`;
}

/** The rules of one run and the tools it called so far. */
export class ToolRuleSolver {
  private readonly history: string[] = [];

  constructor(private readonly rules: ToolRule[]) {}

  private of<T extends ToolRule["type"]>(type: T): RuleOf<T>[] {
    return this.rules.filter((r): r is RuleOf<T> => r.type === type);
  }

  /** Records a call that ran (not one refused for breaking a rule). */
  record(toolName: string): void {
    this.history.push(toolName);
  }

  /** The tools the next call may use, of `available`; `lastResult` is the message of the last tool result
   * (for conditional rules). An empty intersection allows everything, as Letta does. */
  allowed(available: string[], lastResult: string | null): Set<string> {
    const all = new Set(available);
    const last = this.history.at(-1);
    const init = this.of("run_first");
    if (this.history.length === 0 && init.length > 0) {
      const first = new Set(init.map((r) => r.toolName).filter((n) => all.has(n)));
      return first.size > 0 ? first : all;
    }
    let out = all;
    const keep = (s: Set<string>) => {
      out = new Set([...out].filter((n) => s.has(n)));
    };
    for (const rule of this.rules) {
      if (rule.type === "constrain_child_tools" && last === rule.toolName) keep(new Set(rule.children));
      else if (rule.type === "parent_last_tool") {
        const children = new Set(rule.children);
        keep(last === rule.toolName ? children : new Set([...all].filter((n) => !children.has(n))));
      } else if (rule.type === "max_count_per_step") {
        const count = this.history.filter((n) => n === rule.toolName).length;
        if (count >= rule.maxCountLimit) keep(new Set([...all].filter((n) => n !== rule.toolName)));
      } else if (rule.type === "conditional" && last === rule.toolName) {
        const next = this.conditionalChild(rule, lastResult);
        if (next !== undefined) keep(next === null ? new Set() : new Set([next]));
      }
    }
    return out.size > 0 ? out : all;
  }

  // The one tool a conditional rule allows after its tool; undefined: no constraint; null: none allowed.
  private conditionalChild(
    rule: RuleOf<"conditional">,
    lastResult: string | null,
  ): string | null | undefined {
    const output = lastResult ?? "";
    for (const [key, tool] of Object.entries(rule.childOutputMapping)) {
      if (matchesKey(output, key)) return tool;
    }
    if (rule.requireOutputMapping) return null;
    return rule.defaultChild ?? undefined;
  }

  /** Whether the next model call must call a tool (an init rule is pending, or a child rule is active). */
  mustCallTool(): boolean {
    const last = this.history.at(-1);
    if (last === undefined) return this.of("run_first").length > 0;
    return this.rules.some(
      (r) =>
        (r.type === "constrain_child_tools" || r.type === "conditional" || r.type === "parent_last_tool") &&
        r.toolName === last,
    );
  }

  isTerminal(toolName: string): boolean {
    return this.of("exit_loop").some((r) => r.toolName === toolName);
  }

  /** A rule makes the loop go on after this tool: child-based rules and continue rules. */
  continueReason(toolName: string): string | null {
    const childBased = this.rules.some(
      (r) =>
        (r.type === "constrain_child_tools" || r.type === "conditional" || r.type === "max_count_per_step") &&
        r.toolName === toolName,
    );
    if (childBased) return "Continuing: child tool rule.";
    if (this.of("continue_loop").some((r) => r.toolName === toolName))
      return "Continuing: continue tool rule.";
    return null;
  }

  requiresApproval(toolName: string): boolean {
    return this.of("requires_approval").some((r) => r.toolName === toolName);
  }

  /** The required-before-exit tools of `available` that the run has not called yet. */
  uncalledRequired(available: string[]): string[] {
    const called = new Set(this.history);
    const all = new Set(available);
    return [...new Set(this.of("required_before_exit").map((r) => r.toolName))].filter(
      (n) => all.has(n) && !called.has(n),
    );
  }

  /** Letta's [ToolConstraintError] text for a call the rules did not allow. */
  violation(toolName: string, valid: Iterable<string>): string {
    const last = this.history.at(-1);
    const hints = this.rules
      .filter((r) => r.toolName === toolName || (last !== undefined && r.toolName === last))
      .map(renderRule)
      .filter((h): h is string => h !== null);
    const hint = hints.length
      ? `\n** Hint: Possible rules that were violated:\n${hints.map((h) => `\t- ${h}`).join("\n")}`
      : "";
    return `[ToolConstraintError] Cannot call ${toolName}, valid tools include: ${JSON.stringify([...valid])}.${hint}`;
  }
}
