// Record builders for this layer's tests (and memory's and tools'): plain data, no store needed.
import { newAgentRecord, newMessageRecord } from "../store/index.ts";
import type { AgentRecord, BlockRecord, MessageRecord, Role, ToolCallRecord } from "../store/types.ts";

const T0 = "2026-03-01T12:00:00.000Z";
let seq = 0;

export function agentRecord(patch: Partial<AgentRecord> = {}): AgentRecord {
  return newAgentRecord({
    id: "agent-test",
    name: "test",
    system: "You are a helpful agent with a long memory.",
    model: "openai/gpt-4o-mini",
    createdAt: T0,
    ...patch,
  });
}

export function blockRecord(label: string, value: string, patch: Partial<BlockRecord> = {}): BlockRecord {
  return {
    id: `block-${label}`,
    label,
    value,
    description: `The ${label} block.`,
    limit: 5000,
    readOnly: false,
    metadata: {},
    tags: [],
    createdAt: T0,
    updatedAt: T0,
    ...patch,
  };
}

export function messageRecord(
  role: Role,
  text: string,
  patch: Partial<MessageRecord> & { toolCalls?: ToolCallRecord[] } = {},
): MessageRecord {
  seq++;
  return newMessageRecord({
    id: `message-${seq}`,
    agentId: "agent-test",
    role,
    ...(text ? { text } : {}),
    createdAt: new Date(Date.parse(T0) + seq * 1000).toISOString(),
    seq,
    ...patch,
  });
}

/** An assistant tool call and its result, as the kernel stores them. */
export function toolExchange(name: string, args: object, result: string): MessageRecord[] {
  const callId = `call-${seq + 1}`;
  return [
    messageRecord("assistant", "", { toolCalls: [{ id: callId, name, arguments: JSON.stringify(args) }] }),
    messageRecord("tool", result, { toolCallId: callId, name }),
  ];
}
