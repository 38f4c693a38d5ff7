// Finds a file among the sources attached to an agent, by "file.md" or "source/file.md" (the name
// the model sees in tool results and in the open-files section).
import type { FileRecord, SourceRecord, StoreReader } from "../../store/types.ts";
import { ToolError } from "../../tools/types.ts";

export interface AgentFile {
  file: FileRecord;
  source: SourceRecord;
}

/** Name of a file as the model sees it: "source/file". */
export function qualifiedName(source: SourceRecord, file: Pick<FileRecord, "fileName">): string {
  return `${source.name}/${file.fileName}`;
}

/** Every readable file of the agent's attached sources. */
export async function agentFiles(store: StoreReader, agentId: string): Promise<AgentFile[]> {
  const out: AgentFile[] = [];
  for (const source of await store.agentSources(agentId)) {
    for (const file of await store.listFiles(source.id, { limit: 10_000 })) {
      if (file.status === "completed") out.push({ file, source });
    }
  }
  return out;
}

/** The attached file called `name`; a ToolError listing what exists otherwise. */
export async function resolveAgentFile(
  store: StoreReader,
  agentId: string,
  name: string,
): Promise<AgentFile> {
  const sources = await store.agentSources(agentId);
  if (sources.length === 0)
    throw new ToolError("No folders are attached to you, so there are no files to open.");
  const found: AgentFile[] = [];
  for (const source of sources) {
    const prefix = `${source.name}/`;
    const bare = name.startsWith(prefix) ? name.slice(prefix.length) : name;
    const file = await store.findFile(source.id, bare);
    if (file && file.status === "completed") found.push({ file, source });
  }
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const names = found.map((f) => qualifiedName(f.source, f.file)).join(", ");
    throw new ToolError(
      `"${name}" is in several folders: ${names}. Give the folder too, e.g. "${names.split(", ")[0]}".`,
    );
  }
  const all = await agentFiles(store, agentId);
  const list = all
    .slice(0, 30)
    .map((f) => qualifiedName(f.source, f.file))
    .join(", ");
  throw new ToolError(
    `No file named "${name}". Available files: ${list || "(none)"}${all.length > 30 ? ", …" : ""}`,
  );
}
