// A StepWrites for tool tests that run tools outside a step: it records what a tool queued (to assert on),
// and applies open-file windows to the store at once, as the step's commit would, so that what reads them
// (the files context extension, the next tool call) sees them.
import type { BlockEdit, FileWindowChange, PassageRecord, Store } from "../store/types.ts";
import type { StepWrites } from "./types.ts";

export interface RecordedWrites {
  blockEdits: BlockEdit[];
  passageInserts: Array<{ passage: PassageRecord; embedding?: Float32Array }>;
  passageDeletes: string[];
  fileWindows: FileWindowChange[];
}

/** Writes recorded in `queued`; file windows also written to `store` for `agentId` at `now()`. */
export function recordingWrites(
  store: Store,
  agentId: string,
  now: () => string = () => new Date().toISOString(),
): StepWrites & { queued: RecordedWrites } {
  const queued: RecordedWrites = { blockEdits: [], passageInserts: [], passageDeletes: [], fileWindows: [] };
  const applied: Promise<unknown>[] = [];
  return {
    queued,
    editBlock: (edit) => void queued.blockEdits.push(edit),
    insertPassage: (passage, embedding) => void queued.passageInserts.push({ passage, embedding }),
    deletePassage: (id) => void queued.passageDeletes.push(id),
    setFileWindow(fileId, window) {
      queued.fileWindows.push({ fileId, window });
      // Issued at once, in order (the SQLite store runs a write when it is called).
      applied.push(
        window ? store.openFile(agentId, fileId, window, now()) : store.closeFile(agentId, fileId),
      );
    },
    async openFiles() {
      await Promise.all(applied);
      return store.listOpenFiles(agentId);
    },
  };
}
