// Documented limits of document ingestion. Files above MAX_FILE_BYTES are refused before they are read,
// so a huge upload never lands in memory; chunk sizes follow Letta's defaults (a few hundred tokens).

/** Largest file lmos ingests (100 MiB); bigger files are refused with a payload_too_large error. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Target size of one passage, in (approximate cl100k) tokens. */
export const DEFAULT_CHUNK_TOKENS = 400;

/** Tokens repeated from the end of one passage at the start of the next. */
export const DEFAULT_OVERLAP_TOKENS = 50;

/** Files an agent may hold open at once; opening one more closes the least recently opened. */
export const MAX_OPEN_FILES = 5;

/** Lines shown when open_file is called without a length. */
export const DEFAULT_OPEN_LINES = 100;
