// Gets the bytes of one file to ingest, from memory or from disk, refusing oversized files before
// reading them (a stat, not a read) so a 200 MB upload costs no memory.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { LmosError } from "../errors.ts";
import { MAX_FILE_BYTES } from "./limits.ts";

/** One file to ingest: bytes in memory, or a path on disk (an upload the server spooled, a CLI argument). */
export interface DocumentInput {
  /** The file name stored and shown to the model (no directories). */
  name: string;
  path?: string;
  data?: Uint8Array;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function tooLarge(name: string, size: number): LmosError {
  return new LmosError(
    "payload_too_large",
    `${name} is ${megabytes(size)}; the per-file limit is ${megabytes(MAX_FILE_BYTES)} — split it into smaller files`,
  );
}

/** The file's size without reading it. */
export async function inputSize(input: DocumentInput): Promise<number> {
  if (input.data) return input.data.length;
  if (!input.path) throw new LmosError("invalid_argument", `${input.name}: give the file's data or a path`);
  try {
    const info = await stat(input.path);
    if (!info.isFile()) throw new LmosError("invalid_argument", `${input.path} is not a regular file`);
    return info.size;
  } catch (e) {
    if (LmosError.is(e)) throw e;
    throw new LmosError("not_found", `cannot read ${input.path}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
      cause: e,
    });
  }
}

/** The file's bytes, or a payload_too_large error when it passes MAX_FILE_BYTES. */
export async function readInput(input: DocumentInput, maxBytes = MAX_FILE_BYTES): Promise<Uint8Array> {
  const size = await inputSize(input);
  if (size > maxBytes) throw tooLarge(input.name, size);
  if (input.data) return input.data;
  const bytes = await readFile(input.path as string);
  // The file may have grown between stat and read.
  if (bytes.length > maxBytes) throw tooLarge(input.name, bytes.length);
  return bytes;
}

/** sha256 of the bytes, hex: equal hashes mean re-ingesting is a no-op. */
export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
