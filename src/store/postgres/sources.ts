// Sources (folders of documents), their files, and the files an agent has open.
import { LmosError } from "../../errors.ts";
import type { FileRecord, FileWindowChange, OpenFileRecord, SourceRecord } from "../types.ts";
import { fileCodec, sourceCodec } from "../sqlite/codecs.ts";
import type { Q } from "./db.ts";
import { deletePassages, insertPassages, type PassageInsert } from "./passages.ts";
import { decode, getRecord, insertRecord, patchRecord, selectList } from "./records.ts";

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "23505";

export async function createSource(q: Q, source: SourceRecord): Promise<void> {
  try {
    await insertRecord(q, sourceCodec, source);
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new LmosError("conflict", `a source named "${source.name}" already exists; pick another name`);
    }
    throw e;
  }
}

export async function updateSource(q: Q, id: string, patch: Partial<SourceRecord>): Promise<SourceRecord> {
  try {
    return await patchRecord(q, sourceCodec, id, patch, "source");
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new LmosError("conflict", `a source named "${patch.name}" already exists; pick another name`);
    }
    throw e;
  }
}

export async function findFile(q: Q, sourceId: string, fileName: string): Promise<FileRecord | null> {
  const row = await q.get<Record<string, unknown>>(
    `SELECT ${selectList(fileCodec)} FROM files WHERE source_id = ? AND file_name = ?`,
    sourceId,
    fileName,
  );
  return row ? decode(fileCodec, row) : null;
}

/** Upserts a file (by id, else by source + name, whose id then wins) and replaces all its passages. */
export async function replaceFile(
  q: Q,
  file: FileRecord,
  passages: PassageInsert[],
  pgvector: boolean,
): Promise<void> {
  if (!(await q.get("SELECT 1 FROM sources WHERE id = ? FOR UPDATE", file.sourceId))) {
    throw new LmosError("not_found", `source ${file.sourceId} not found`);
  }
  const existing =
    (await getRecord(q, fileCodec, file.id)) ?? (await findFile(q, file.sourceId, file.fileName));
  let id = file.id;
  if (existing) {
    id = existing.id;
    const { id: _id, createdAt: _createdAt, ...patch } = file;
    const clash = await findFile(q, file.sourceId, file.fileName);
    if (clash && clash.id !== id) await q.run("DELETE FROM files WHERE id = ?", clash.id);
    await q.run("DELETE FROM passages WHERE file_id = ?", id);
    await patchRecord(q, fileCodec, id, patch, "file");
  } else {
    await insertRecord(q, fileCodec, file);
  }
  await insertPassages(
    q,
    passages.map((p) => ({ ...p, passage: { ...p.passage, fileId: id, sourceId: file.sourceId } })),
    pgvector,
  );
}

export async function deleteFile(q: Q, id: string): Promise<void> {
  const rows = await q.all<{ id: string }>("SELECT id FROM passages WHERE file_id = ?", id);
  await deletePassages(
    q,
    rows.map((r) => r.id),
  );
  await q.run("DELETE FROM files WHERE id = ?", id);
}

/** Opens a file for an agent, or moves the window of an open one (it moves last in open order). */
export async function openFile(
  q: Q,
  agentId: string,
  fileId: string,
  window: { offset: number; length: number },
  now: string,
): Promise<void> {
  if (!(await q.get("SELECT 1 FROM agents WHERE id = ?", agentId))) {
    throw new LmosError("not_found", `agent ${agentId} not found`);
  }
  if (!(await q.get("SELECT 1 FROM files WHERE id = ?", fileId))) {
    throw new LmosError("not_found", `file ${fileId} not found`);
  }
  await q.run("DELETE FROM open_files WHERE agent_id = ? AND file_id = ?", agentId, fileId);
  await q.run(
    `INSERT INTO open_files (agent_id, file_id, "offset", length, opened_at) VALUES (?, ?, ?, ?, ?)`,
    agentId,
    fileId,
    window.offset,
    window.length,
    now,
  );
}

export async function listOpenFiles(q: Q, agentId: string): Promise<OpenFileRecord[]> {
  return q.all<OpenFileRecord>(
    `SELECT agent_id AS "agentId", file_id AS "fileId", "offset", length, opened_at AS "openedAt"
     FROM open_files WHERE agent_id = ? ORDER BY opened_at, seq`,
    agentId,
  );
}

export async function closeFiles(q: Q, agentId: string, fileId?: string): Promise<number> {
  if (fileId === undefined) return q.run("DELETE FROM open_files WHERE agent_id = ?", agentId);
  return q.run("DELETE FROM open_files WHERE agent_id = ? AND file_id = ?", agentId, fileId);
}

/** A step's open-file changes in order; a file deleted since the tool saw it is skipped. */
export async function setFileWindows(
  q: Q,
  agentId: string,
  changes: FileWindowChange[],
  now: string,
): Promise<void> {
  for (const c of changes) {
    await q.run("DELETE FROM open_files WHERE agent_id = ? AND file_id = ?", agentId, c.fileId);
    if (!c.window) continue;
    await q.run(
      `INSERT INTO open_files (agent_id, file_id, "offset", length, opened_at)
       SELECT ?, id, ?, ?, ? FROM files WHERE id = ?`,
      agentId,
      c.window.offset,
      c.window.length,
      now,
      c.fileId,
    );
  }
}
