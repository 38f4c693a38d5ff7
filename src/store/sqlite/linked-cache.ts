// A read cache of what is linked to an agent (its blocks, tools and sources), read every step and after
// every run (map of all pieces: README.md).
// Serves: agentBlocks, agentTools, agentSources.
// Never patched in place. Invalidated whole by every own write that changes a linked record or a link,
// through `write()` below (writes are rare next to reads): createAgent, deleteAgent, updateBlock,
// editBlock, deleteBlock, the attach/detach of blocks, tools and sources, upsertTool, deleteTool,
// updateSource, deleteSource, and a commitStep with block edits. Creating a block, tool or source needs
// nothing: it is linked to no agent yet. Also cleared by a commit of another connection (ForeignWrites)
// and by a group commit that rolled back whole.
import type { BlockRecord, SourceRecord, ToolRecord } from "../types.ts";
import type { ForeignWrites } from "./foreign-writes.ts";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// Callers may mutate what they get: records are copied, except a tool's JSON schema, which is shared and
// frozen (it is large, and nothing edits a schema in place).
const copyBlock = (b: BlockRecord): BlockRecord => ({ ...b, metadata: { ...b.metadata }, tags: [...b.tags] });
const copyTool = (t: ToolRecord): ToolRecord => ({ ...t, tags: [...t.tags] });
const copySource = (s: SourceRecord): SourceRecord => ({ ...s, metadata: { ...s.metadata } });

/** Per-agent linked records, valid while nothing has written them. */
export class LinkedCache {
  private readonly blocks = new Map<string, BlockRecord[]>();
  private readonly tools = new Map<string, ToolRecord[]>();
  private readonly sources = new Map<string, SourceRecord[]>();
  constructor(private readonly foreign: ForeignWrites) {
    foreign.watch(() => this.clear());
  }

  private fresh(): void {
    this.foreign.check();
  }

  private read<T>(map: Map<string, T[]>, agentId: string, load: () => T[], copy: (x: T) => T): T[] {
    this.fresh();
    let list = map.get(agentId);
    if (!list) {
      list = load();
      map.set(agentId, list);
    }
    return list.map(copy);
  }

  /** The agent's blocks in attach order. */
  agentBlocks(agentId: string, load: () => BlockRecord[]): BlockRecord[] {
    return this.read(this.blocks, agentId, load, copyBlock);
  }

  /** The agent's tools in attach order. */
  agentTools(agentId: string, load: () => ToolRecord[]): ToolRecord[] {
    return this.read(
      this.tools,
      agentId,
      () => load().map((t) => ({ ...t, jsonSchema: deepFreeze(t.jsonSchema) })),
      copyTool,
    );
  }

  /** The agent's sources in attach order. */
  agentSources(agentId: string, load: () => SourceRecord[]): SourceRecord[] {
    return this.read(this.sources, agentId, load, copySource);
  }

  /** Runs a write of linked records or links; the cache is dropped whether it commits or not. */
  write<T>(fn: () => T): T {
    try {
      return fn();
    } finally {
      this.clear();
    }
  }

  clear(): void {
    this.blocks.clear();
    this.tools.clear();
    this.sources.clear();
  }
}
