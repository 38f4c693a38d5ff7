// Tool rules at the API: their schema, and the requires_approval rules Letta keeps in step with tools
// (attaching a tool whose default_requires_approval is set adds one; the approval switch adds or drops one).
import { z } from "zod";
import type { ToolRecord, ToolRule } from "../store/types.ts";

const toolName = z.string().min(1).max(200);

/** One tool rule (lmos's field names; the server maps Letta's snake_case onto these). */
export const toolRuleSchema: z.ZodType<ToolRule> = z.discriminatedUnion("type", [
  z.object({ type: z.literal("run_first"), toolName }),
  z.object({ type: z.literal("exit_loop"), toolName }),
  z.object({ type: z.literal("continue_loop"), toolName }),
  z.object({ type: z.literal("required_before_exit"), toolName }),
  z.object({ type: z.literal("requires_approval"), toolName }),
  z.object({ type: z.literal("constrain_child_tools"), toolName, children: z.array(toolName).min(1) }),
  z.object({ type: z.literal("parent_last_tool"), toolName, children: z.array(toolName).min(1) }),
  z.object({
    type: z.literal("max_count_per_step"),
    toolName,
    maxCountLimit: z.number().int().min(1).max(10_000),
  }),
  z.object({
    type: z.literal("conditional"),
    toolName,
    childOutputMapping: z
      .record(z.string(), toolName)
      .refine((m) => Object.keys(m).length > 0, "give at least one output → tool mapping"),
    defaultChild: toolName.nullable(),
    requireOutputMapping: z.boolean(),
  }),
]);

export const toolRulesSchema = z.array(toolRuleSchema).max(500);

const isApproval = (r: ToolRule, name: string) => r.type === "requires_approval" && r.toolName === name;

/** The rules plus a requires_approval rule for each tool that asks for one by default (same array when
 * nothing changes). */
export function withApprovalRules(rules: ToolRule[], tools: ToolRecord[]): ToolRule[] {
  const add = tools
    .filter((t) => t.defaultRequiresApproval && !rules.some((r) => isApproval(r, t.name)))
    .map((t): ToolRule => ({ type: "requires_approval", toolName: t.name }));
  return add.length ? [...rules, ...add] : rules;
}

/** The rules with the tool's requires_approval rule added or removed (same array when nothing changes). */
export function setApprovalRule(rules: ToolRule[], name: string, requiresApproval: boolean): ToolRule[] {
  const has = rules.some((r) => isApproval(r, name));
  if (has === requiresApproval) return rules;
  return requiresApproval
    ? [...rules, { type: "requires_approval", toolName: name }]
    : rules.filter((r) => !isApproval(r, name));
}
