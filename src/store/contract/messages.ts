// The Store contract, messages and windows: recall memory (every message ever, with BM25 and vector
// search) and the agent's window onto it (in-context ids, summary) written outside a step.
// Conformance: conformance/messages.testkit.ts.
import type { LeaseUse } from "../leases.ts";
import type { AgentRecord, MessageRecord, Role, RunRecord } from "../records.ts";
import type { LexicalQuery, Neighbours, Page, RankedId } from "./queries.ts";

export interface MessageQuery extends Page {
  roles?: Role[];
  /** ISO bounds, inclusive. */
  start?: string;
  end?: string;
}

/** The agent fields a step (or a commit of messages) writes: its window and its run state. */
export type AgentStepPatch = Partial<
  Pick<
    AgentRecord,
    | "inContextMessageIds"
    | "summary"
    | "memoryEditedAt"
    | "pressureWarned"
    | "lastStopReason"
    | "lastRunAt"
    | "pendingApproval"
  >
>;

export interface MessageStore {
  getMessages(ids: string[]): Promise<MessageRecord[]>;
  listMessages(agentId: string, q: MessageQuery): Promise<MessageRecord[]>;
  countMessages(agentId: string): Promise<number>;
  /** BM25 over message text, best first. */
  searchMessagesLexical(
    agentId: string,
    q: LexicalQuery & Omit<MessageQuery, keyof Page>,
  ): Promise<RankedId[]>;
  /** Nearest messages by cosine distance (score = similarity), best first. */
  searchMessagesVector(
    agentId: string,
    embedding: Float32Array,
    q: { limit: number; roles?: MessageRecord["role"][]; start?: string; end?: string },
  ): Promise<RankedId[]>;
  /** For each known id of the agent's (in the order asked; unknown ids are left out), the agent's
   * conversation turns just before and after it by (createdAt, seq): messages with no inner kind
   * (kind null) whose role is among `roles` (default user and assistant) and within start/end. */
  messageNeighbours(
    agentId: string,
    ids: string[],
    q?: { roles?: MessageRecord["role"][]; start?: string; end?: string },
  ): Promise<Neighbours[]>;
  /** Applies messages + agent patch outside a step (reset, initial messages), atomically; with `run`, also
   * creates that run in the same transaction (a run's start and its input commit together); a run created
   * before (status "created") takes the new status and owner and keeps its createdAt. */
  commitMessages(
    agentId: string,
    messages: MessageRecord[],
    agentPatch: AgentStepPatch,
    run?: RunRecord,
    lease?: LeaseUse,
  ): Promise<void>;
}
