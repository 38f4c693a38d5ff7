// The runtime's public face: openLmos and the public API types.
export { defaultSystemPrompt } from "./default-system-prompt.ts";
export { openLmos } from "./open.ts";
export type * from "./types.ts";
export type { StepTraceView } from "./step-traces.ts";
