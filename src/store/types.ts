// The Store contract. Kernel, memory and sources see only this interface; runtime picks the
// implementation (sqlite/ today, postgres/ later). Every method is async so a networked store fits.
// Ids are strings with Letta's prefixes: agent-, block-, message-, passage-, tool-, source-, file-, run-, step-.
// The contract is split by concern (contract/*.ts), each part with its own conformance suite
// (conformance/*.testkit.ts), so a second store is written and tested piece by piece; `Store` is their sum.
import type { AgentStore } from "./contract/agents.ts";
import type { AgentLeaseStore } from "./contract/leases.ts";
import type { McpServerStore } from "./contract/mcp-servers.ts";
import type { MemoryNodeStore } from "./contract/memory-nodes.ts";
import type { MessageStore } from "./contract/messages.ts";
import type { OpenFileStore } from "./contract/open-files.ts";
import type { PassageStore } from "./contract/passages.ts";
import type { RunStore } from "./contract/runs.ts";
import type { SourceStore } from "./contract/sources.ts";
import type { ToolStore } from "./contract/tools.ts";
import type { GroupStore } from "./contract/groups.ts";
import type { JobStore } from "./contract/jobs.ts";
import type { ScheduleStore } from "./contract/schedules.ts";
import type { TenancyStore } from "./contract/tenancy.ts";

export type * from "./records.ts";
export type * from "./coordination-records.ts";
export type * from "./leases.ts";
export type { BlockEdit, BlockEditFailure, BlockEditOp } from "./block-edits.ts";
export type * from "./contract/queries.ts";
export type * from "./contract/agents.ts";
export type * from "./contract/tools.ts";
export type * from "./contract/mcp-servers.ts";
export type * from "./contract/messages.ts";
export type * from "./contract/passages.ts";
export type * from "./contract/sources.ts";
export type * from "./contract/runs.ts";
export type * from "./contract/memory-nodes.ts";
export type * from "./contract/open-files.ts";
export type * from "./contract/leases.ts";
export type * from "./contract/jobs.ts";
export type * from "./contract/schedules.ts";
export type * from "./contract/groups.ts";
export type * from "./contract/tenancy.ts";

/** The store a runtime opens: every part of the contract, plus its lifecycle. */
export interface Store
  extends AgentStore,
    ToolStore,
    McpServerStore,
    MessageStore,
    PassageStore,
    SourceStore,
    RunStore,
    MemoryNodeStore,
    OpenFileStore,
    AgentLeaseStore,
    JobStore,
    ScheduleStore,
    GroupStore,
    TenancyStore {
  readonly kind: "sqlite" | "postgres";
  close(): Promise<void>;
  /** A consistent copy of the whole database at `path` (a new file), taken while others keep writing;
   * resolves with its size in bytes. */
  backup(path: string): Promise<{ bytes: number }>;
}

/** The reads tools and memory searches use; their writes go through the step (ToolContext.writes), so
 * they commit with it. */
export type StoreReader = Pick<
  Store,
  | "getAgent"
  | "getBlock"
  | "agentBlocks"
  | "agentTools"
  | "agentSecrets"
  | "getMessages"
  | "listMessages"
  | "countMessages"
  | "searchMessagesLexical"
  | "searchMessagesVector"
  | "messageNeighbours"
  | "getPassages"
  | "listPassages"
  | "countPassages"
  | "passageTags"
  | "searchPassagesLexical"
  | "searchPassagesVector"
  | "passageNeighbours"
  | "getSource"
  | "listSources"
  | "agentSources"
  | "getFile"
  | "findFile"
  | "listFiles"
  | "listOpenFiles"
  | "getMemoryNodes"
>;
