// The memory layer's public face: core block edits, recall and archival search, the one ranker behind every
// search (and its pieces), RRF and the summariser.
export {
  type ArchivalInsert,
  type ArchivalSearchInput,
  type ArchivalSearchOptions,
  insertArchival,
  type ScoredPassage,
  searchArchival,
} from "./archival.ts";
export { messageCorpus, passageCorpus, type RecordCorpus } from "./corpora.ts";
export {
  type Candidate,
  DEFAULT_RANKER_SETTINGS,
  type RankerCorpus,
  type RankerSettings,
  rankItems,
} from "./ranker.ts";
export { isStopWord, queryTerms, stemKey } from "./terms.ts";
export { asksForTime, namedTimeSpans, statesTime, type TimeSpan } from "./time-words.ts";
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
