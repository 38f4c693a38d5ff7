// The Store contract, runs and steps: a run's record and steps, the one-transaction step commit, and
// runs left behind by a process that died. Conformance: conformance/runs.testkit.ts and steps.testkit.ts.
import type { BlockEdit } from "../block-edits.ts";
import type { LeaseUse } from "../leases.ts";
import type {
  FileWindowChange,
  MessageRecord,
  PassageRecord,
  RunOwner,
  RunRecord,
  StepRecord,
} from "../records.ts";
import type { AgentStepPatch } from "./messages.ts";
import type { Page } from "./queries.ts";
import type { ProjectFilter } from "./tenancy.ts";

/** Everything one agent step changes, applied in one transaction by `commitStep`. */
export interface StepCommit {
  agentId: string;
  step: StepRecord;
  messages: MessageRecord[];
  /** Embeddings for some of `messages`, by message id (only when an embedder is configured). */
  messageEmbeddings?: Record<string, Float32Array>;
  /** Core-memory edits, applied in order to each block's value as it stands in the commit's transaction
   * (semantics in block-edits.ts). When one cannot apply, nothing of the commit is applied and it rejects
   * with a BlockEditError whose editIndex names the edit. */
  blockEdits: BlockEdit[];
  passageInserts: Array<{ passage: PassageRecord; embedding?: Float32Array }>;
  passageDeletes: string[];
  agentPatch: AgentStepPatch;
  /** The run's end, when this step ends the run: written in the same transaction. */
  runPatch?: Partial<Pick<RunRecord, "status" | "stopReason" | "completedAt">>;
  /** The open-file windows the file tools set, in order (null closes the file; openedAt is the step's
   * createdAt); a file deleted meanwhile is skipped. */
  fileWindows?: FileWindowChange[];
  /** The agent lease the step ran under (see acquireAgentLease). */
  lease?: LeaseUse;
}

/** Filters of `listRuns`; every given filter must hold. */
export interface RunQuery extends Page, ProjectFilter {
  agentIds?: string[];
  statuses?: RunRecord["status"][];
  stopReason?: string;
  /** Runs of one chain (RunChain.id). */
  chainId?: string;
}

export interface RunStore {
  createRun(run: RunRecord): Promise<void>;
  updateRun(id: string, patch: Partial<RunRecord>): Promise<void>;
  getRun(id: string): Promise<RunRecord | null>;
  listSteps(runId: string): Promise<StepRecord[]>;
  /** Runs in created order (newest first with order "desc"), filtered. */
  listRuns(q: RunQuery): Promise<RunRecord[]>;
  /** The messages a run stored (its input first), paged by message id. */
  listRunMessages(runId: string, q: Page): Promise<MessageRecord[]>;
  /** The owner this store stamps on the runs it creates (this process). */
  readonly runOwner: RunOwner;
  /** Marks failed (stop reason "error", completed at `completedAt`) every created or running run whose owner
   * `isLive` says is gone (owner null: a run from before owners were recorded), and sets its agent's
   * lastStopReason "error" and lastRunAt unless a run of that agent ended after it began; returns the runs. */
  failOrphanRuns(isLive: (owner: RunOwner | null) => boolean, completedAt: string): Promise<RunRecord[]>;
  /** Applies one step's changes atomically: all or nothing. */
  commitStep(commit: StepCommit): Promise<void>;
}
