// The "files" context extension: renders the agent's open files, each with its window of numbered
// lines, into the system prompt every step; under memory pressure it closes them all, since the
// model can reopen what it still needs.
import type { Store } from "../store/types.ts";
import { fileLines, fileWindow } from "./tools/window.ts";

/** Structurally the kernel's ContextExtension (sources sits below kernel and cannot import it). */
export interface FilesContextExtension {
  name: "files";
  render(agentId: string): Promise<string | null>;
  onPressure(agentId: string): Promise<void>;
}

/** Builds the extension that shows open files in the context and closes them under pressure. */
export function createFilesContextExtension(store: Store): FilesContextExtension {
  return {
    name: "files",
    async render(agentId) {
      const open = await store.listOpenFiles(agentId);
      if (open.length === 0) return null;
      const sourceNames = new Map((await store.agentSources(agentId)).map((s) => [s.id, s.name]));
      const parts: string[] = [];
      for (const entry of open) {
        const file = await store.getFile(entry.fileId);
        // A file deleted or detached since it was opened simply drops out of view.
        if (!file || !sourceNames.has(file.sourceId)) continue;
        const window = fileWindow(
          fileLines(file.text, `${file.id}@${file.updatedAt}`),
          entry.offset,
          entry.length,
        );
        const name = `${sourceNames.get(file.sourceId)}/${file.fileName}`;
        parts.push(
          `<file name="${name}" lines="${window.start}-${window.end}" total_lines="${window.totalLines}">\n${window.text}\n</file>`,
        );
      }
      if (parts.length === 0) return null;
      return [
        "<open_files>",
        "Files you have open (open_file moves a window, close_file closes one; they close under memory pressure):",
        ...parts,
        "</open_files>",
      ].join("\n");
    },
    async onPressure(agentId) {
      await store.closeAllFiles(agentId);
    },
  };
}
