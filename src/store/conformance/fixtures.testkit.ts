// Record builders and a per-test store for the conformance suite; every builder takes overrides so
// tests state only what they care about.
import { afterEach, beforeEach, expect } from "vitest";
import { LmosError } from "../../errors.ts";
import { DEFAULT_AGENT_SETTINGS, newAgentRecord } from "../agent-record.ts";
import { newId } from "../ids.ts";
import { newMessageRecord } from "../message-record.ts";
import type {
  AgentRecord,
  BlockRecord,
  FileRecord,
  GroupRecord,
  JobRecord,
  MessageRecord,
  ScheduleRecord,
  PassageRecord,
  RunRecord,
  SourceRecord,
  StepCommit,
  Store,
  ToolRecord,
} from "../types.ts";

/** The parts of the contract a suite needs, and `close` (a store implemented piece by piece runs the
 * suites of the parts it has). */
export type Part<S> = S & Pick<Store, "close">;

/** Opens a fresh, empty store before each test and closes it after; returns a getter. */
export function useStore<S extends Pick<Store, "close">>(open: () => Promise<S>): () => S {
  let store: S | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  return () => store!;
}

/** An ISO time `ms` milliseconds after 2025-01-01. */
export function at(ms: number): string {
  return new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
}

export function agent(over: Partial<AgentRecord> = {}): AgentRecord {
  return newAgentRecord({
    name: "sam",
    system: "You are Sam.",
    model: "openai/gpt-4o-mini",
    createdAt: at(0),
    ...over,
    settings: { ...DEFAULT_AGENT_SETTINGS, maxSteps: 10, ...over.settings },
  });
}

export function block(over: Partial<BlockRecord> = {}): BlockRecord {
  return {
    id: newId("block"),
    label: "human",
    value: "Name: Ada",
    description: null,
    limit: 5000,
    readOnly: false,
    metadata: {},
    tags: [],
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

export function tool(over: Partial<ToolRecord> = {}): ToolRecord {
  const name = over.name ?? "send_message";
  return {
    id: newId("tool"),
    name,
    description: "Sends a message to the user.",
    jsonSchema: { name, description: "Sends a message", parameters: { type: "object", properties: {} } },
    sourceCode: null,
    sourceType: null,
    toolType: "letta_core",
    tags: [],
    returnCharLimit: 6000,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

export function message(agentId: string, text: string, over: Partial<MessageRecord> = {}): MessageRecord {
  return newMessageRecord({ agentId, role: "user", text, createdAt: at(0), ...over });
}

export function passage(text: string, over: Partial<PassageRecord> = {}): PassageRecord {
  return {
    id: newId("passage"),
    agentId: null,
    sourceId: null,
    fileId: null,
    text,
    tags: [],
    metadata: {},
    embeddingModel: null,
    createdAt: at(0),
    ...over,
  };
}

export function source(over: Partial<SourceRecord> = {}): SourceRecord {
  return {
    id: newId("source"),
    name: `docs-${crypto.randomUUID().slice(0, 8)}`,
    description: null,
    instructions: null,
    embedding: null,
    metadata: {},
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

export function file(sourceId: string, over: Partial<FileRecord> = {}): FileRecord {
  return {
    id: newId("file"),
    sourceId,
    fileName: "notes.txt",
    fileType: "text/plain",
    fileSize: 11,
    contentHash: "h1",
    status: "completed",
    error: null,
    totalChunks: 1,
    text: "hello world",
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

export function run(agentId: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: newId("run"),
    agentId,
    status: "running",
    stopReason: null,
    createdAt: at(0),
    completedAt: null,
    chain: null,
    ...over,
  };
}

/** A step commit with nothing in it but the step row; spread over it what the test needs. */
export function stepCommit(agentId: string, runId: string, over: Partial<StepCommit> = {}): StepCommit {
  return {
    agentId,
    step: {
      id: newId("step"),
      runId,
      agentId,
      index: 0,
      model: "openai/gpt-4o-mini",
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
      createdAt: at(0),
    },
    messages: [],
    blockEdits: [],
    passageInserts: [],
    passageDeletes: [],
    agentPatch: {},
    ...over,
  };
}

/** A unit vector along axis i (of dim), nudged toward axis j by w. */
export function vec(dim: number, i: number, j = i, w = 0): Float32Array {
  const v = new Float32Array(dim);
  v[i] = 1;
  v[j] += w;
  return v;
}

/** Every page of a cursor walk with `after` until an empty page; returns the ids in walk order. */
export async function walk<T extends { id: string }>(
  page: (after: string | undefined) => Promise<T[]>,
): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const items = await page(after);
    if (items.length === 0) return ids;
    ids.push(...items.map((i) => i.id));
    after = items[items.length - 1].id;
  }
  throw new Error("cursor walk did not end");
}

/** Asserts that a promise rejects with an LmosError of this code. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(LmosError.is(e) ? e.code : e).toBe(code);
}

/** A queued job due at `at(0)`; spread over it what the test needs. */
export function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: newId("job"),
    queue: "test.work",
    key: null,
    payload: {},
    status: "queued",
    runAt: at(0),
    attempts: 0,
    maxAttempts: 3,
    lockedBy: null,
    lockedUntil: null,
    error: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

/** A one-time schedule of an agent due at `at(1000)`. */
export function schedule(agentId: string, over: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: newId("scheduled_message"),
    agentId,
    spec: { type: "one-time", at: at(1000) },
    payload: { reason: "check in" },
    nextRunAt: at(1000),
    lastFiredAt: null,
    createdAt: at(0),
    ...over,
  };
}

/** A round-robin group of the given members. */
export function group(agentIds: string[], over: Partial<GroupRecord> = {}): GroupRecord {
  return {
    id: newId("group"),
    managerType: "round_robin",
    agentIds,
    description: "a team",
    managerAgentId: null,
    terminationToken: null,
    maxTurns: null,
    sleeptimeAgentFrequency: null,
    turnsCounter: 0,
    lastProcessedMessageId: null,
    sharedBlockIds: [],
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}
