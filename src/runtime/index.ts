// The runtime's public face: openLmos and the public API types.
export { REDACTED_SECRET } from "./agents-api.ts";
export { sandboxDefaults } from "./custom-tools.ts";
export { defaultSystemPrompt } from "./default-system-prompt.ts";
export { openLmos } from "./open.ts";
export type * from "./types.ts";
export type { StepTraceView } from "./step-traces.ts";
export { trustedApi } from "./trusted-api.ts";
export { groupInputSchema, groupPatchSchema } from "./groups-api.ts";
export { mcpServerInputSchema, mcpServerPatchSchema } from "./mcp-api.ts";
export { recallOptionsSchema, recallQuerySchema } from "./recall-api.ts";
export { scheduleInputSchema } from "./schedules-api.ts";
export {
  approvalInputSchema,
  archivalSearchSchema,
  blockEditSchema,
  blockInputSchema,
  blockPatchSchema,
  createAgentSchema,
  inputSchema,
  runInputSchemaOf,
  runOptionsSchema,
  toolUpsertSchema,
  updateAgentSchema,
  validate,
  wakeReasonSchema,
} from "./validate.ts";
