// The writes one step's tool calls queue (ToolContext.writes), each tagged with the call that made it, so
// that a call whose result turns into a failure — it threw, or its block edit was refused at commit —
// takes its writes with it: a failed call changes nothing.
import type {
  BlockEdit,
  FileWindowChange,
  OpenFileRecord,
  PassageRecord,
  StepCommit,
  StoreReader,
} from "../store/types.ts";
import type { StepWrites } from "../tools/types.ts";

type Write =
  | { call: number; kind: "block"; edit: BlockEdit }
  | { call: number; kind: "insert"; passage: PassageRecord; embedding?: Float32Array }
  | { call: number; kind: "delete"; id: string }
  | { call: number; kind: "file"; change: FileWindowChange };

/** Everything a step's tool calls asked to write, in call order. */
export class StepWriteLog {
  private readonly writes: Write[] = [];
  private stored: Promise<OpenFileRecord[]> | null = null;

  constructor(
    private readonly store: StoreReader,
    private readonly agentId: string,
    private readonly now: string,
  ) {}

  /** The write API handed to tool call number `call`. */
  forCall(call: number): StepWrites {
    return {
      editBlock: (edit) => void this.writes.push({ call, kind: "block", edit }),
      insertPassage: (passage, embedding) =>
        void this.writes.push({ call, kind: "insert", passage, embedding }),
      deletePassage: (id) => void this.writes.push({ call, kind: "delete", id }),
      setFileWindow: (fileId, window) =>
        void this.writes.push({ call, kind: "file", change: { fileId, window } }),
      openFiles: () => this.openFiles(),
    };
  }

  /** Drops every write of one call. */
  dropCall(call: number): void {
    for (let i = this.writes.length - 1; i >= 0; i--)
      if (this.writes[i].call === call) this.writes.splice(i, 1);
  }

  /** The block edits in commit order, with the call that made each. */
  blockEdits(): Array<{ call: number; edit: BlockEdit }> {
    return this.writes.flatMap((w) => (w.kind === "block" ? [{ call: w.call, edit: w.edit }] : []));
  }

  /** The ids of the blocks a call edits. */
  editedBlocks(call: number): string[] {
    return this.writes.flatMap((w) => (w.kind === "block" && w.call === call ? [w.edit.blockId] : []));
  }

  /** The commit fields of these writes. */
  commitFields(): Pick<StepCommit, "blockEdits" | "passageInserts" | "passageDeletes" | "fileWindows"> {
    const fields = {
      blockEdits: [] as BlockEdit[],
      passageInserts: [] as StepCommit["passageInserts"],
      passageDeletes: [] as string[],
      fileWindows: [] as FileWindowChange[],
    };
    for (const w of this.writes) {
      if (w.kind === "block") fields.blockEdits.push(w.edit);
      else if (w.kind === "insert")
        fields.passageInserts.push({ passage: w.passage, embedding: w.embedding });
      else if (w.kind === "delete") fields.passageDeletes.push(w.id);
      else fields.fileWindows.push(w.change);
    }
    return fields;
  }

  /** The stored open files with this step's changes applied. */
  private async openFiles(): Promise<OpenFileRecord[]> {
    this.stored ??= this.store.listOpenFiles(this.agentId);
    const list = [...(await this.stored)];
    for (const w of this.writes) {
      if (w.kind !== "file") continue;
      const i = list.findIndex((f) => f.fileId === w.change.fileId);
      if (i >= 0) list.splice(i, 1);
      if (w.change.window)
        list.push({ agentId: this.agentId, fileId: w.change.fileId, ...w.change.window, openedAt: this.now });
    }
    return list;
  }
}
