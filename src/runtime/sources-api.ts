// lmos.sources: sources (Letta "folders"), their files and passages, on top of the Store. Paths and
// globs are expanded here (tinyglobby; directories recursively); each file is ingested on its own,
// so one failure is reported and the rest go on.
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import type { Embedder } from "../embed/types.ts";
import { LmosError, found } from "../errors.ts";
import { checkFileName, fileTools, ingestDocument, searchSourcePassages } from "../sources/index.ts";
import { newId } from "../store/index.ts";
import type { SourceRecord, Store } from "../store/types.ts";
import type { IngestReport, SourcesApi } from "./types.ts";

const FILE_TOOL_NAMES = fileTools.map((t) => t.name);

export interface SourcesApiDeps {
  store: Store;
  /** The embedder of an embedding handle (null → lexical only). */
  embedderFor(handle: string | null): Embedder | null;
  /** An agent's id from its id or name; throws LmosError("not_found"). */
  resolveAgentId(idOrName: string): Promise<string>;
}

/** Expands paths, globs and directories into files (sorted, deduplicated); a missing path is kept to fail alone. */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    if (isDynamicPattern(p)) {
      const hits = await glob(p, { absolute: true, onlyFiles: true, dot: false });
      if (hits.length === 0) out.add(p); // reported as "no file matches"
      for (const h of hits.sort()) out.add(h);
      continue;
    }
    const info = await stat(p).catch(() => null);
    if (info?.isDirectory()) {
      const hits = await glob("**/*", { cwd: p, absolute: true, onlyFiles: true, dot: false });
      for (const h of hits.sort()) out.add(h);
    } else out.add(resolve(p));
  }
  return [...out];
}

/** Builds the SourcesApi over a store. */
export function createSourcesApi(deps: SourcesApiDeps): SourcesApi {
  const { store } = deps;

  async function source(idOrName: string): Promise<SourceRecord> {
    const byId = idOrName.startsWith("source-") ? await store.getSource(idOrName) : null;
    return found(byId ?? (await store.getSourceByName(idOrName)), `source "${idOrName}"`);
  }

  async function fileOf(src: SourceRecord, fileId: string) {
    const file = await store.getFile(fileId);
    if (!file || file.sourceId !== src.id)
      throw new LmosError("not_found", `file ${fileId} not found in source "${src.name}"`);
    return file;
  }

  return {
    async create(input) {
      if (!input.name?.trim()) throw new LmosError("invalid_argument", "a source needs a name");
      if (await store.getSourceByName(input.name)) {
        throw new LmosError("conflict", `a source named "${input.name}" already exists`);
      }
      const embedding = input.embedding === "none" ? null : (input.embedding ?? null);
      if (embedding) deps.embedderFor(embedding); // fails now, not at the first upload, when unconfigured
      const now = new Date().toISOString();
      const record: SourceRecord = {
        id: newId("source"),
        name: input.name,
        description: input.description ?? null,
        instructions: input.instructions ?? null,
        embedding,
        metadata: {},
        createdAt: now,
        updatedAt: now,
      };
      await store.createSource(record);
      return record;
    },
    get: source,
    list: (query = {}) => store.listSources(query),
    async update(idOrName, patch) {
      const src = await source(idOrName);
      if (patch.name && patch.name !== src.name && (await store.getSourceByName(patch.name))) {
        throw new LmosError("conflict", `a source named "${patch.name}" already exists`);
      }
      return store.updateSource(src.id, { ...patch, updatedAt: new Date().toISOString() });
    },
    async delete(idOrName) {
      await store.deleteSource((await source(idOrName)).id);
    },
    async attach(sourceIdOrName, agentIdOrName) {
      const src = await source(sourceIdOrName);
      const agentId = await deps.resolveAgentId(agentIdOrName);
      await store.attachSource(agentId, src.id);
      // As in Letta, an agent with a folder gets the file tools to read it.
      const has = new Set((await store.agentTools(agentId)).map((t) => t.name));
      for (const name of FILE_TOOL_NAMES) {
        const tool = has.has(name) ? null : await store.getToolByName(name);
        if (tool) await store.attachTool(agentId, tool.id);
      }
    },
    async detach(sourceIdOrName, agentIdOrName) {
      const src = await source(sourceIdOrName);
      const agentId = await deps.resolveAgentId(agentIdOrName);
      await store.detachSource(agentId, src.id);
      if ((await store.agentSources(agentId)).length === 0) {
        for (const tool of await store.agentTools(agentId)) {
          if (FILE_TOOL_NAMES.includes(tool.name)) await store.detachTool(agentId, tool.id);
        }
      }
      // Files of a detached source must not stay open in the agent's context.
      for (const open of await store.listOpenFiles(agentId)) {
        const file = await store.getFile(open.fileId);
        if (!file || file.sourceId === src.id) await store.closeFile(agentId, open.fileId);
      }
    },
    async agents(sourceIdOrName) {
      return store.sourceAgents((await source(sourceIdOrName)).id);
    },
    async upload(sourceIdOrName, file, options = {}) {
      // A bad name is the caller's mistake, refused before anything is stored (as the HTTP route's 422);
      // ingest, whose names come from paths on disk, reports one as an error file and goes on.
      if (typeof file?.name !== "string") throw new LmosError("invalid_argument", "file.name: give a string");
      checkFileName(file.name);
      const src = await source(sourceIdOrName);
      const outcome = await ingestDocument(store, src, deps.embedderFor(src.embedding), file, options);
      return outcome.file;
    },
    async ingest(sourceIdOrName, paths, options = {}) {
      const src = await source(sourceIdOrName);
      const embedder = deps.embedderFor(src.embedding);
      const report: IngestReport = { files: [], ok: 0, unchanged: 0, failed: 0 };
      const seen = new Map<string, string>();
      for (const path of await expandPaths(paths)) {
        if (options.signal?.aborted) throw new LmosError("cancelled", "ingest cancelled");
        const name = basename(path);
        const first = seen.get(name);
        if (first !== undefined) {
          // Files are named by base name in a source; a second "README.md" would silently replace the first.
          const error = `another file named ${name} (${first}) is in this ingest; file names must be unique in a source — rename one or ingest it into another source`;
          options.onProgress?.({ file: name, phase: "error", bytes: 0, totalBytes: 0, error });
          report.files.push({ path, file: null, status: "error", error });
          report.failed++;
          continue;
        }
        seen.set(name, path);
        const outcome = await ingestDocument(store, src, embedder, { name, path }, options);
        report.files.push({ path, file: outcome.file, status: outcome.status, error: outcome.error });
        if (outcome.status === "ingested") report.ok++;
        else if (outcome.status === "unchanged") report.unchanged++;
        else report.failed++;
      }
      return report;
    },
    async files(sourceIdOrName, query = {}) {
      return store.listFiles((await source(sourceIdOrName)).id, query);
    },
    async getFile(sourceIdOrName, fileId) {
      return fileOf(await source(sourceIdOrName), fileId);
    },
    async deleteFile(sourceIdOrName, fileId) {
      const file = await fileOf(await source(sourceIdOrName), fileId);
      await store.deleteFile(file.id);
    },
    async search(sourceIdOrName, query, options = {}) {
      const src = await source(sourceIdOrName);
      const hits = await searchSourcePassages(store, [src.id], query, {
        limit: options.limit ?? 10,
        embedder: deps.embedderFor(src.embedding),
      });
      // The passage carries its file name: no need to load the file (and its whole text) per hit.
      return hits.map(({ passage, score }) => ({
        passage,
        score,
        file: { id: passage.fileId ?? "", fileName: String(passage.metadata.file_name ?? "") },
      }));
    },
  };
}
