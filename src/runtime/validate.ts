// zod schemas of the public API's inputs; a bad input becomes LmosError("invalid_argument") naming the field.
// They are checked once per boundary: by the library's entry points (openLmos's API), or by the HTTP server,
// which checks the input it maps from Letta's bodies with these same schemas and then calls the trusted API
// (trustedApi), whose entry points take typed input as it is.
import { z } from "zod";
import { LmosError } from "../errors.ts";
import { toolRulesSchema } from "./tool-rules.ts";

const handle = z
  .string()
  .regex(/^[^/\s]+\/\S+$/, "must be a handle like provider/model, e.g. openai/gpt-4o-mini");
/** A block label or an MCP server name: letters, digits, _ . - (up to 100). */
export const labelSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, _ . -");
const name = z.string().min(1).max(200);

export const blockInputSchema = z.object({
  label: labelSchema,
  value: z.string(),
  description: z.string().optional(),
  limit: z.number().int().positive().optional(),
  readOnly: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
});

export const blockPatchSchema = blockInputSchema.partial();

/** One core-memory edit from the library (memory.edit): the store's BlockEditOp. */
export const blockEditSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("append"), text: z.string() }),
  z.object({ op: z.literal("replace"), old: z.string(), new: z.string() }),
  z.object({ op: z.literal("rethink"), value: z.string(), basis: z.string().optional() }),
]);

export const settingsSchema = z
  .object({
    heartbeats: z.boolean(),
    replyMode: z.enum(["send_message", "text"]),
    warnFraction: z.number().gt(0).lt(1),
    evictFraction: z.number().gt(0).lt(1),
    maxSteps: z.number().int().min(1).max(1000),
  })
  .partial();

export const createAgentSchema = z.object({
  name: name.optional(),
  description: z.string().optional(),
  system: z.string().min(1).optional(),
  agentType: z.string().min(1).optional(),
  model: handle.optional(),
  embedding: z.union([handle, z.literal("none"), z.null()]).optional(),
  contextWindow: z.number().int().min(256).optional(),
  memoryBlocks: z.array(blockInputSchema).optional(),
  blockIds: z.array(z.string().min(1)).optional(),
  tools: z.array(z.string().min(1)).optional(),
  includeBaseTools: z.boolean().optional(),
  includeMultiAgentTools: z.boolean().optional(),
  enableSleeptime: z.boolean().optional(),
  sleeptimeFrequency: z.number().int().min(1).max(1000).optional(),
  sourceIds: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  settings: settingsSchema.optional(),
  secrets: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), z.string())
    .optional(),
  toolRules: toolRulesSchema.optional(),
});

export const updateAgentSchema = createAgentSchema.pick({
  name: true,
  description: true,
  system: true,
  model: true,
  embedding: true,
  contextWindow: true,
  tags: true,
  metadata: true,
  settings: true,
  secrets: true,
  toolRules: true,
  enableSleeptime: true,
  sleeptimeFrequency: true,
});

/** An approval of the calls a paused run holds. */
export const approvalInputSchema = z.object({
  approvals: z
    .array(
      z.object({
        toolCallId: z.string().min(1),
        approve: z.boolean(),
        reason: z.string().max(10_000).optional(),
      }),
    )
    .min(1, "give at least one approval"),
});

/** Why a timed wake-up happened (shown to the model in the heartbeat). */
export const wakeReasonSchema = z.string().max(2_000, "the reason is over 2,000 characters");

/** One message of a run's input (or of a scheduled firing). */
export const inputMessageSchema = z.object({
  role: z.enum(["user", "system", "assistant"]),
  content: z.string(),
  name: z.string().optional(),
});

export const inputSchema = z.union([
  z.string().min(1, "the message is empty"),
  z.array(inputMessageSchema).min(1, "give at least one message"),
]);

/** The schema of an agent's run input: an approval (an object) or messages (text or a list). */
export function runInputSchemaOf(
  input: unknown,
): z.ZodType<string | z.infer<typeof inputSchema>[number][] | z.infer<typeof approvalInputSchema>> {
  return input !== null && typeof input === "object" && !Array.isArray(input)
    ? approvalInputSchema
    : inputSchema;
}

export const runOptionsSchema = z
  .object({
    maxSteps: z.number().int().min(1).max(1000).optional(),
    signal: z.instanceof(AbortSignal).optional(),
    streamTokens: z.boolean().optional(),
  })
  .optional();

export const archivalSearchSchema = z
  .object({
    tags: z.array(z.string()).optional(),
    tagMatch: z.enum(["any", "all"]).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    offset: z.number().int().min(0).optional(),
    start: z.string().optional(),
    end: z.string().optional(),
  })
  .optional();

export const toolUpsertSchema = z.object({
  sourceCode: z.string().min(1),
  project: z.string().optional(),
  sourceType: z.string().optional(),
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  returnCharLimit: z.number().int().positive().max(10_000_000).optional(),
  sandbox: z
    .object({
      timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
      memoryMb: z.number().int().min(8).max(4_096).optional(),
      network: z.boolean().optional(),
      allowedHosts: z.array(z.string().min(1).max(300)).max(100).optional(),
      filesystem: z
        .object({ path: z.string().min(1).max(4_096), mode: z.enum(["ro", "rw"]) })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  defaultRequiresApproval: z.boolean().optional(),
});

/** How an API entry point checks its input: `validate` (the library), `trust` (input checked already). */
export type Check = <T>(schema: z.ZodType<T>, value: unknown, what: string) => T;

/** The Check of the trusted API: the caller validated `value` with the same schema already. */
export const trust: Check = <T>(_schema: z.ZodType<T>, value: unknown) => value as T;

/** Parses `value` with `schema` or throws LmosError("invalid_argument") naming the first bad field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.length ? `${what}.${issue.path.join(".")}` : what;
  throw new LmosError("invalid_argument", `${path}: ${issue.message}`);
}
