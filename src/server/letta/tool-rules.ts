// Letta's ToolRule wire shapes (snake_case, discriminated by `type`) ↔ lmos's ToolRule records.
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import type { ToolRule } from "../../store/types.ts";

const toolName = z.string().min(1);
const common = { tool_name: toolName, prompt_template: z.string().nullish() };

// Prefilled arguments (init `args`, child `child_arg_nodes`) are Letta features lmos does not apply: a rule
// that sets them is refused rather than silently run without them.
const noPrefill = (v: unknown) =>
  v == null || (typeof v === "object" && Object.keys(v as object).length === 0);

/** One ToolRule as the Letta client sends it. */
export const lettaToolRuleSchema = z.discriminatedUnion("type", [
  z.object({
    ...common,
    type: z.literal("run_first"),
    args: z
      .unknown()
      .refine(noPrefill, "prefilled args are not supported by lmos; leave them out")
      .optional(),
  }),
  z.object({ ...common, type: z.literal("exit_loop") }),
  z.object({ ...common, type: z.literal("continue_loop") }),
  z.object({ ...common, type: z.literal("required_before_exit") }),
  z.object({ ...common, type: z.literal("requires_approval") }),
  z.object({
    ...common,
    type: z.literal("constrain_child_tools"),
    children: z.array(toolName).min(1),
    child_arg_nodes: z
      .unknown()
      .refine(
        (v) => v == null || (Array.isArray(v) && v.every((n) => noPrefill((n as { args?: unknown })?.args))),
        "prefilled child args are not supported by lmos; leave them out",
      )
      .optional(),
  }),
  z.object({ ...common, type: z.literal("parent_last_tool"), children: z.array(toolName).min(1) }),
  z.object({ ...common, type: z.literal("max_count_per_step"), max_count_limit: z.number().int().min(1) }),
  z.object({
    ...common,
    type: z.literal("conditional"),
    child_output_mapping: z.record(z.string(), toolName),
    default_child: toolName.nullish(),
    require_output_mapping: z.boolean().nullish(),
  }),
]);

export type LettaToolRule = z.infer<typeof lettaToolRuleSchema>;

/** lmos rules from Letta's. */
export function toolRulesFromLetta(rules: LettaToolRule[]): ToolRule[] {
  return rules.map((r): ToolRule => {
    const toolName = r.tool_name;
    switch (r.type) {
      case "constrain_child_tools":
      case "parent_last_tool":
        return { type: r.type, toolName, children: r.children };
      case "max_count_per_step":
        return { type: r.type, toolName, maxCountLimit: r.max_count_limit };
      case "conditional":
        if (Object.keys(r.child_output_mapping).length === 0) {
          throw new LmosError(
            "invalid_argument",
            "tool_rules: a conditional rule needs child_output_mapping",
          );
        }
        return {
          type: r.type,
          toolName,
          childOutputMapping: r.child_output_mapping,
          defaultChild: r.default_child ?? null,
          requireOutputMapping: r.require_output_mapping ?? false,
        };
      default:
        return { type: r.type, toolName };
    }
  });
}

/** Letta's rules from lmos's (what AgentState.tool_rules shows). */
export function toolRulesToLetta(rules: ToolRule[]): Array<Record<string, unknown>> {
  return rules.map((r) => {
    const base = { tool_name: r.toolName, type: r.type, prompt_template: null };
    switch (r.type) {
      case "constrain_child_tools":
        return { ...base, children: r.children, child_arg_nodes: null };
      case "parent_last_tool":
        return { ...base, children: r.children };
      case "max_count_per_step":
        return { ...base, max_count_limit: r.maxCountLimit };
      case "conditional":
        return {
          ...base,
          child_output_mapping: r.childOutputMapping,
          default_child: r.defaultChild,
          require_output_mapping: r.requireOutputMapping,
        };
      case "run_first":
        return { ...base, args: null };
      default:
        return base;
    }
  });
}
