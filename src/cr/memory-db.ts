// The hierarchical memory database: a forest of k-ary trees over chunks. Level 1 nodes hold a memory
// vector and the raw segment (k token ids) they compress; higher levels hold vectors and children.
// Serialises node by node (for Store.putMemoryNodes) or whole (bytes).
import { z } from "zod";

/** One node of the hierarchy. */
export interface MemoryNode {
  id: string;
  level: number;
  /** Index of the chunk (demo, message) for levels ≤ the chunk-root level; -1 above it. */
  chunk: number;
  vec: Float32Array;
  /** Raw token ids of the segment (level 1) or the whole chunk (chunk roots). */
  tokens: number[];
  children: string[];
  /** Where a chunk root's text came from (the agent memory tier: the message and its date). */
  source?: NodeSource;
}

/** Provenance of a chunk. */
export interface NodeSource {
  messageId: string;
  createdAt: string;
}

const HeaderSchema = z.object({
  id: z.string(),
  level: z.number().int(),
  chunk: z.number().int(),
  tokens: z.array(z.number().int()),
  children: z.array(z.string()),
  source: z.object({ messageId: z.string(), createdAt: z.string() }).optional(),
});

/** Node → bytes: u32 header length, JSON header, float32 vector. */
export function encodeNode(n: MemoryNode): Uint8Array {
  const h = Buffer.from(
    JSON.stringify({
      id: n.id,
      level: n.level,
      chunk: n.chunk,
      tokens: n.tokens,
      children: n.children,
      ...(n.source ? { source: n.source } : {}),
    }),
  );
  const pad = (4 - ((4 + h.length) % 4)) % 4;
  const out = new Uint8Array(4 + h.length + pad + n.vec.byteLength);
  new DataView(out.buffer).setUint32(0, h.length + pad, true);
  out.set(h, 4);
  out.fill(32, 4 + h.length, 4 + h.length + pad);
  out.set(new Uint8Array(n.vec.buffer, n.vec.byteOffset, n.vec.byteLength), 4 + h.length + pad);
  return out;
}

/** Bytes → node (validated). */
export function decodeNode(b: Uint8Array): MemoryNode {
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
  const h = HeaderSchema.parse(JSON.parse(Buffer.from(b.subarray(4, 4 + len)).toString("utf8")));
  const vb = b.slice(4 + len);
  return { ...h, vec: new Float32Array(vb.buffer, vb.byteOffset, vb.byteLength / 4) };
}

/** The forest: nodes by id, ids per level; the top level is the highest non-empty one. */
export class MemoryDb {
  readonly nodes = new Map<string, MemoryNode>();
  readonly levels: string[][] = [];

  /** Adds a node (its level list grows as needed). */
  add(n: MemoryNode): void {
    this.nodes.set(n.id, n);
    while (this.levels.length <= n.level) this.levels.push([]);
    (this.levels[n.level] as string[]).push(n.id);
  }
  get(id: string): MemoryNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`memory node ${id} not found`);
    return n;
  }
  /** Index of the highest level that has nodes. */
  get topLevel(): number {
    for (let l = this.levels.length - 1; l >= 0; l--) if ((this.levels[l] ?? []).length > 0) return l;
    return -1;
  }
  /** Node count per level, bottom up. */
  shape(): number[] {
    return this.levels.map((l) => l.length);
  }
  /** All nodes as (id, bytes) pairs, for Store.putMemoryNodes. */
  toRecords(): Array<{ id: string; data: Uint8Array }> {
    return [...this.nodes.values()].map((n) => ({ id: n.id, data: encodeNode(n) }));
  }
  /** Rebuilds a database from records (order-independent). */
  static fromRecords(rs: Array<{ id: string; data: Uint8Array }>): MemoryDb {
    const db = new MemoryDb();
    const ns = rs.map((r) => decodeNode(r.data)).sort((a, b) => a.level - b.level || cmpId(a.id, b.id));
    for (const n of ns) db.add(n);
    return db;
  }
  /** The whole database as one byte string (u32 count, then u32 length + node bytes each). */
  toBytes(): Uint8Array {
    const parts = this.toRecords().map((r) => r.data);
    const total = 4 + parts.reduce((s, p) => s + 4 + p.length, 0);
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, parts.length, true);
    let o = 4;
    for (const p of parts) {
      dv.setUint32(o, p.length, true);
      out.set(p, o + 4);
      o += 4 + p.length;
    }
    return out;
  }
  static fromBytes(b: Uint8Array): MemoryDb {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = dv.getUint32(0, true);
    const rs: Array<{ id: string; data: Uint8Array }> = [];
    let o = 4;
    for (let i = 0; i < n; i++) {
      const len = dv.getUint32(o, true);
      const data = b.slice(o + 4, o + 4 + len);
      rs.push({ id: "", data });
      o += 4 + len;
    }
    return MemoryDb.fromRecords(rs);
  }
}

/** Ids are "L<level>:<index>": order by the numeric index so levels keep insertion order. */
function cmpId(a: string, b: string): number {
  const ia = Number(a.split(":")[1] ?? 0);
  const ib = Number(b.split(":")[1] ?? 0);
  return ia - ib;
}
