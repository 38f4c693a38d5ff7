// Text → passages of about `maxTokens` tokens, split at line boundaries, with `overlapTokens` of the
// previous passage repeated so a fact that straddles a boundary is found whole. Each passage knows
// its line range and the markdown heading path it sits under (its "§ A > B" first line), so search
// results can say where they come from and lexical search matches section titles.
import { DEFAULT_CHUNK_TOKENS, DEFAULT_OVERLAP_TOKENS } from "./limits.ts";

export interface Chunk {
  text: string;
  /** 1-based, inclusive, in the parsed text. */
  startLine: number;
  endLine: number;
  /** Heading path "A > B" at the chunk's first line, or null before the first heading. */
  heading: string | null;
}

export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
  /** Token counter; default `estimateTokens`. */
  countTokens?: (text: string) => number;
}

/**
 * Approximate cl100k token count: about four characters per token on English prose and code. Exact
 * counting costs ~20× more and ingest must stay above 2 MB/s; chunk sizes need not be exact.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

interface Line {
  text: string;
  no: number;
  tokens: number;
  heading: string | null;
  isHeading: boolean;
}

/** Splits text into overlapping chunks that carry line numbers and heading paths. */
export function chunkText(text: string, options: ChunkOptions = {}): Chunk[] {
  const maxTokens = Math.max(16, options.maxTokens ?? DEFAULT_CHUNK_TOKENS);
  const overlapTokens = Math.min(options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS, Math.floor(maxTokens / 2));
  const count = options.countTokens ?? estimateTokens;
  const chunks: Chunk[] = [];
  const headings: string[] = [];
  let inFence = false;
  let current: Line[] = [];
  let tokens = 0;
  // Lines of `current` not already emitted as the previous chunk's overlap.
  let fresh = 0;

  const emit = (lines: Line[]) => {
    const body = lines.map((l) => l.text).join("\n");
    if (body.trim() === "") return;
    const first = lines[0];
    const prefix = first.heading && !first.isHeading ? `§ ${first.heading}\n` : "";
    chunks.push({
      text: prefix + body,
      startLine: first.no,
      endLine: lines[lines.length - 1].no,
      heading: first.heading,
    });
  };
  const flush = (keepOverlap: boolean) => {
    if (fresh > 0) emit(current);
    const kept: Line[] = [];
    let keptTokens = 0;
    if (keepOverlap) {
      for (let i = current.length - 1; i > 0; i--) {
        if (keptTokens + current[i].tokens > overlapTokens) break;
        kept.unshift(current[i]);
        keptTokens += current[i].tokens;
      }
    }
    current = kept;
    tokens = keptTokens;
    fresh = 0;
  };

  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const no = i + 1;
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    const m = inFence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(raw);
    if (m) {
      headings.length = Math.min(headings.length, m[1].length - 1);
      headings.push(m[2]);
      // A new section starts a new chunk unless the current one is still small.
      if (tokens >= maxTokens / 4) flush(false);
    }
    const heading = headings.length > 0 ? headings.join(" > ") : null;
    const lineTokens = count(raw) + 1;
    if (lineTokens > maxTokens) {
      // One line longer than a chunk (minified JSON, a CSV without newlines): split it by characters.
      flush(false);
      const size = Math.max(64, Math.floor((raw.length * maxTokens) / lineTokens));
      const step = Math.max(32, size - Math.floor((raw.length * overlapTokens) / lineTokens));
      for (let at = 0; at < raw.length; at += step) {
        emit([{ text: raw.slice(at, at + size), no, tokens: 0, heading, isHeading: false }]);
        if (at + size >= raw.length) break;
      }
      continue;
    }
    if (tokens + lineTokens > maxTokens) {
      if (fresh > 0) flush(true);
      if (tokens + lineTokens > maxTokens) flush(false); // the overlap alone leaves no room
    }
    current.push({ text: raw, no, tokens: lineTokens, heading, isHeading: m !== null });
    tokens += lineTokens;
    fresh++;
  }
  if (fresh > 0) emit(current);
  return chunks;
}
