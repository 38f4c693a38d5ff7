// Sources (folders of documents), their files, and the files an agent has open.
import { LmosError } from "../../errors.ts";
import { pushProjectFilter } from "../project-filter.ts";
import type {
  FileRecord,
  FileWindowChange,
  OpenFileRecord,
  Page,
  ProjectFilter,
  SourceRecord,
} from "../types.ts";
import { decode, encode, insertSql, selectList } from "./codec.ts";
import { fileCodec, sourceCodec } from "./codecs.ts";
import { pagedSql, type Select } from "./paging.ts";
import { deletePassages, insertPassages, type PassageInsert } from "./passages.ts";
import { getRecord, insertRecord, patchRecord } from "./records.ts";
import type { Sql } from "./sql.ts";

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** Creates a source; conflict when the name is taken. */
export function createSource(sql: Sql, source: SourceRecord): void {
  try {
    insertRecord(sql, sourceCodec, source);
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new LmosError("conflict", `a source named "${source.name}" already exists; pick another name`);
    }
    throw e;
  }
}

/** Patches a source; not_found when missing, conflict when renamed onto a taken name. */
export function updateSource(sql: Sql, id: string, patch: Partial<SourceRecord>): SourceRecord {
  try {
    return patchRecord(sql, sourceCodec, id, patch, "source");
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new LmosError("conflict", `a source named "${patch.name}" already exists; pick another name`);
    }
    throw e;
  }
}

/** Sources by name, paged. */
export function listSources(sql: Sql, q: Page & ProjectFilter & { name?: string }): SourceRecord[] {
  const select: Select = { columns: selectList(sourceCodec, "s"), from: "sources s", where: [], params: [] };
  if (q.name !== undefined) {
    select.where.push("s.name = ?");
    select.params.push(q.name);
  }
  pushProjectFilter(select, "s.id", q.project);
  const { sql: text, params } = pagedSql(select, { table: "sources", alias: "s", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(sourceCodec, r));
}

/** The file with this name in a source, or null. */
export function findFile(sql: Sql, sourceId: string, fileName: string): FileRecord | null {
  const row = sql.get<Record<string, unknown>>(
    `SELECT ${selectList(fileCodec)} FROM files WHERE source_id = ? AND file_name = ?`,
    sourceId,
    fileName,
  );
  return row ? decode(fileCodec, row) : null;
}

/** A source's files, paged. */
export function listFiles(sql: Sql, sourceId: string, q: Page): FileRecord[] {
  const select: Select = {
    columns: selectList(fileCodec, "f"),
    from: "files f",
    where: ["f.source_id = ?"],
    params: [sourceId],
  };
  const { sql: text, params } = pagedSql(select, { table: "files", alias: "f", tiebreak: "id" }, q);
  return sql.all<Record<string, unknown>>(text, ...params).map((r) => decode(fileCodec, r));
}

/** Upserts a file (matched by id, else by source + name, whose id then wins) and replaces all its
 * passages, atomically. Passages are re-pointed at the stored file's id and source. */
export function replaceFile(sql: Sql, file: FileRecord, passages: PassageInsert[]): void {
  sql.tx(() => {
    if (!getRecord(sql, sourceCodec, file.sourceId)) {
      throw new LmosError("not_found", `source ${file.sourceId} not found`);
    }
    const existing = getRecord(sql, fileCodec, file.id) ?? findFile(sql, file.sourceId, file.fileName);
    let id = file.id;
    if (existing) {
      id = existing.id;
      const { id: _id, createdAt: _createdAt, ...patch } = file;
      // A rename onto another file's name in the source would violate UNIQUE: that file is replaced.
      const clash = findFile(sql, file.sourceId, file.fileName);
      if (clash && clash.id !== id) sql.run("DELETE FROM files WHERE id = ?", clash.id);
      sql.run("DELETE FROM passages WHERE file_id = ?", id);
      patchRecord(sql, fileCodec, id, patch, "file");
    } else {
      sql.run(insertSql(fileCodec), encode(fileCodec, file));
    }
    insertPassages(
      sql,
      passages.map((p) => ({ ...p, passage: { ...p.passage, fileId: id, sourceId: file.sourceId } })),
    );
  });
}

/** Deletes a file, its passages and open-file state. */
export function deleteFile(sql: Sql, id: string): void {
  sql.tx(() => {
    const ids = sql.all<{ id: string }>("SELECT id FROM passages WHERE file_id = ?", id).map((r) => r.id);
    deletePassages(sql, ids);
    sql.run("DELETE FROM files WHERE id = ?", id);
  });
}

/** Deletes a source with its files, passages and agent links (cascades). */
export function deleteSource(sql: Sql, id: string): void {
  sql.run("DELETE FROM sources WHERE id = ?", id);
}

/** Opens a file for an agent, or moves the window of an already open one. */
export function openFile(
  sql: Sql,
  agentId: string,
  fileId: string,
  window: { offset: number; length: number },
  now: string,
): void {
  if (!sql.get("SELECT 1 FROM agents WHERE id = ?", agentId)) {
    throw new LmosError("not_found", `agent ${agentId} not found`);
  }
  if (!getRecord(sql, fileCodec, fileId)) throw new LmosError("not_found", `file ${fileId} not found`);
  // Delete + insert (not upsert) so a reopened file also moves last in rowid order.
  sql.tx(() => {
    sql.run("DELETE FROM open_files WHERE agent_id = ? AND file_id = ?", agentId, fileId);
    sql.run(
      "INSERT INTO open_files (agent_id, file_id, offset, length, opened_at) VALUES (?, ?, ?, ?, ?)",
      agentId,
      fileId,
      window.offset,
      window.length,
      now,
    );
  });
}

/** The agent's open files, least recently opened first. */
export function listOpenFiles(sql: Sql, agentId: string): OpenFileRecord[] {
  return sql.all<OpenFileRecord>(
    `SELECT agent_id AS agentId, file_id AS fileId, offset, length, opened_at AS openedAt
     FROM open_files WHERE agent_id = ? ORDER BY opened_at, rowid`,
    agentId,
  );
}

/** Closes one open file of the agent, or all of them; returns how many were open. */
export function closeFiles(sql: Sql, agentId: string, fileId?: string): number {
  if (fileId === undefined) return sql.run("DELETE FROM open_files WHERE agent_id = ?", agentId).changes;
  return sql.run("DELETE FROM open_files WHERE agent_id = ? AND file_id = ?", agentId, fileId).changes;
}

/** A step's open-file changes in order, inside the caller's transaction; a file deleted since the tool saw
 * it is skipped (it would drop out of view anyway). */
export function setFileWindows(sql: Sql, agentId: string, changes: FileWindowChange[], now: string): void {
  for (const c of changes) {
    sql.run("DELETE FROM open_files WHERE agent_id = ? AND file_id = ?", agentId, c.fileId);
    if (!c.window) continue;
    sql.run(
      `INSERT INTO open_files (agent_id, file_id, offset, length, opened_at)
       SELECT ?, id, ?, ?, ? FROM files WHERE id = ?`,
      agentId,
      c.window.offset,
      c.window.length,
      now,
      c.fileId,
    );
  }
}
