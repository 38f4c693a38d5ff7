// The kernel's public face: the agent loop (runAgent / AgentRunner), its inputs, events and seams.
export { type ApprovalDecision, denialText } from "./approval.ts";
export type { AgentEvent, RunUsage, StopReason } from "./events.ts";
export { replyOf } from "./messages.ts";
export type { EvictionResult } from "./pressure.ts";
export { KeyedQueue } from "./queue.ts";
export { checkPending, DEFAULT_MAX_STEPS, type KernelRunResult, runAgent } from "./run.ts";
export { AgentRunner } from "./runner.ts";
export { renderToolRules, ToolRuleSolver } from "./tool-rules.ts";
export type {
  ContextExtension,
  KernelDeps,
  KernelInputMessage,
  KernelRunOptions,
  RunInput,
  StepTiming,
  StepTrace,
} from "./types.ts";
export { type CompiledView, compileView, loadView, MessageCache, type StepView } from "./view.ts";
