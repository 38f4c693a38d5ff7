// The memory layer's public face: core block edits, recall and archival search, RRF and the summariser.
export {
  type ArchivalInsert,
  type ArchivalSearchInput,
  type ArchivalSearchOptions,
  insertArchival,
  type ScoredPassage,
  searchArchival,
} from "./archival.ts";
export { appendToBlock, findBlock, previewEdit, replaceInBlock, rewriteBlock } from "./blocks.ts";
export { dateBound } from "./dates.ts";
export {
  DEFAULT_RECALL_PAGE_SIZE,
  type MemoryDeps,
  type RecallPage,
  type RecallQuery,
  searchRecall,
  spokenText,
} from "./recall.ts";
export { reciprocalRankFusion } from "./rrf.ts";
export { SUMMARY_MAX_CHARS, summarizeMessages, transcript } from "./summarize.ts";
