// The Store contract, open files: which files an agent has open (file tools), with the window of lines it
// sees. Conformance: conformance/open-files.testkit.ts.
import type { OpenFileRecord } from "../records.ts";

export interface OpenFileStore {
  /** Opens a file for an agent at a window, or moves the window of an open file (openedAt = now). */
  openFile(
    agentId: string,
    fileId: string,
    window: { offset: number; length: number },
    now: string,
  ): Promise<void>;
  /** Closes one file; false when it was not open. */
  closeFile(agentId: string, fileId: string): Promise<boolean>;
  /** The agent's open files, least recently opened first. */
  listOpenFiles(agentId: string): Promise<OpenFileRecord[]>;
  /** Closes every file the agent has open; returns how many were open. */
  closeAllFiles(agentId: string): Promise<number>;
}
