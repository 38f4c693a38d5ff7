// The vector index's file beside the database (`lmos.db.vectors-384.ivf`): a header (magic, JSON with the
// shape, the database's high-water mark and a CRC-32 of the payload) and the arrays. Written to a temp file
// and renamed, so a reader sees the old file or the new one; a torn, foreign or corrupt file reads as
// missing (null) and the index is rebuilt from the database, which stays the source of truth.
import { closeSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import { crc32 } from "node:zlib";
import type { IvfIndex, IvfList } from "./ivf.ts";

const MAGIC = "LMOSIVF1";

interface Header {
  dim: number;
  lists: number[]; // each list's length
  trainedOn: number;
  watermark: number; // highest passage_embeddings.seq the index has seen
  bytes: number;
  crc: number;
}

function payload(index: IvfIndex): Buffer[] {
  const parts: Buffer[] = [
    Buffer.from(index.centroids.buffer, index.centroids.byteOffset, index.centroids.byteLength),
  ];
  for (const l of index.lists) {
    const seqs = l.seqs.subarray(0, l.len);
    const scales = l.scales.subarray(0, l.len);
    const codes = l.codes.subarray(0, l.len * index.dim);
    parts.push(Buffer.from(seqs.buffer, seqs.byteOffset, seqs.byteLength));
    parts.push(Buffer.from(scales.buffer, scales.byteOffset, scales.byteLength));
    parts.push(Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength));
  }
  return parts;
}

/** Writes the index with its watermark to path, atomically (temp file, then rename). */
export function writeIvfFile(path: string, index: IvfIndex, watermark: number): void {
  const parts = payload(index);
  let crc = 0;
  let bytes = 0;
  for (const p of parts) {
    crc = crc32(p, crc);
    bytes += p.length;
  }
  const header: Header = {
    dim: index.dim,
    lists: index.lists.map((l) => l.len),
    trainedOn: index.trainedOn,
    watermark,
    bytes,
    crc,
  };
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  removeDeadTemps(path);
  // pid and thread: a store's background build (a worker thread) and its close may both write.
  const tmp = `${path}.${process.pid}-${threadId}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    for (const p of [head, json, ...parts]) writeSync(fd, p);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the temp files of writers that died before their rename (a crash mid-write). */
function removeDeadTemps(path: string): void {
  const prefix = `${basename(path)}.`;
  try {
    for (const name of readdirSync(dirname(path))) {
      const m = name.startsWith(prefix) ? /^(\d+)-\d+\.tmp$/.exec(name.slice(prefix.length)) : null;
      if (m && !alive(Number(m[1]))) rmSync(join(dirname(path), name), { force: true });
    }
  } catch {
    // An unreadable folder: the write below reports what matters.
  }
}

/** The index and watermark stored at path, or null when it is missing, torn or not for this dimension. */
export function readIvfFile(path: string, dim: number): { index: IvfIndex; watermark: number } | null {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return null;
  }
  try {
    if (buf.length < 12 || buf.toString("latin1", 0, 8) !== MAGIC) return null;
    const jsonLen = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString("utf8", 12, 12 + jsonLen)) as Header;
    const start = 12 + jsonLen;
    if (header.dim !== dim || buf.length !== start + header.bytes) return null;
    if (crc32(buf.subarray(start)) !== header.crc) return null;
    // Copy out of the file buffer: typed arrays need aligned offsets, and lists grow in place later.
    let at = start;
    const take = (n: number) => {
      const b = buf.subarray(at, at + n);
      at += n;
      return new Uint8Array(b).buffer;
    };
    const centroids = new Float32Array(take(header.lists.length * dim * 4));
    const lists: IvfList[] = header.lists.map((len) => ({
      len,
      seqs: new Float64Array(take(len * 8)),
      scales: new Float32Array(take(len * 4)),
      codes: new Int8Array(take(len * dim)),
    }));
    if (at !== buf.length) return null;
    return { index: { dim, centroids, lists, trainedOn: header.trainedOn }, watermark: header.watermark };
  } catch {
    return null;
  }
}

/** Removes the index file (when it is stale beyond catching up). */
export function removeIvfFile(path: string): void {
  rmSync(path, { force: true });
}
