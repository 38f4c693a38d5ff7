// Cutting text so that byte-pair encoding stays linear. BPE merges within one pre-tokenizer piece, and a
// piece is a whole run of letters (or of spaces, or of punctuation): gpt-tokenizer's merge is quadratic in
// a piece's length, so one unbroken 80,000-character word took 9.5 s to count and a 5 MB one stalled the
// server for minutes. A run of more than MAX_RUN characters without a space (or of spaces only) is counted
// in slices of MAX_RUN: the sum is then at most about one token per slice above the exact count (a
// 20,000-letter random word: 10,163 against 10,034, +1.3%) — an over-count, the safe side for a context
// budget. Text without such runs (prose, code, JSON) stays one piece, counted exactly.

/** Characters of one unbroken run counted at once. */
export const MAX_RUN = 256;

// One implementation for both threads: the main thread counts short texts itself, the token worker
// (token-worker.ts, plain JavaScript evaluated with eval: true) counts long ones, and the two must cut
// alike. A plain loop over char codes, not /\S{257,}/g: that regex took 140 ms to scan 6 MB of prose.
/** JavaScript source of `function countPieces(text, maxRun)`. */
export const COUNT_PIECES_JS = `
function countPieces(text, maxRun) {
  if (text.length <= maxRun) return [text];
  // JavaScript's \\s: ASCII whitespace and the Unicode space separators.
  const isSpace = (c) =>
    c < 128
      ? c === 32 || (c >= 9 && c <= 13)
      : c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
        c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
  let out = null;
  let from = 0; // start of the text not yet emitted
  let runStart = 0;
  let runSpace = isSpace(text.charCodeAt(0));
  for (let i = 1; i <= text.length; i++) {
    const space = i < text.length ? isSpace(text.charCodeAt(i)) : !runSpace;
    if (space !== runSpace) {
      runStart = i;
      runSpace = space;
      continue;
    }
    if (i - runStart <= maxRun) continue;
    // A long run: emit what precedes it and one slice of it, then go on from the cut (never between the
    // two halves of a surrogate pair).
    out ??= [];
    if (runStart > from) out.push(text.slice(from, runStart));
    let cut = runStart + maxRun;
    const c = text.charCodeAt(cut);
    if (c >= 0xdc00 && c <= 0xdfff) cut++;
    out.push(text.slice(runStart, cut));
    from = runStart = i = cut;
  }
  if (!out) return [text];
  if (from < text.length) out.push(text.slice(from));
  return out;
}`;

const build = new Function(`${COUNT_PIECES_JS}\nreturn countPieces;`) as () => (
  text: string,
  maxRun: number,
) => string[];
const piecesOf = build();

/** The pieces to count separately for `text` ([text] when it has no run longer than MAX_RUN). */
export function countPieces(text: string): string[] {
  return piecesOf(text, MAX_RUN);
}
