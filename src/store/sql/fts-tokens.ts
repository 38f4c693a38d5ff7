// The terms SQLite's FTS5 `porter unicode61` tokenizer makes of a text, computed in JS, so that the
// PostgreSQL store indexes and scores the very terms the SQLite store's full-text index holds (PostgreSQL's
// own parser and Snowball stemmer split and stem differently, which moved the ranking: issue 15).
// Hand-written because no npm package reproduces FTS5's tokenizer: unicode61 (letters, digits and private
// use characters make tokens; case folded; Latin diacritics removed; combining marks inside a token
// dropped) followed by FTS5's own Porter stemmer (porter.ts). fts-tokens.test.ts checks both against FTS5
// itself.
import { porterStem } from "./porter.ts";

export { porterStem };

// Token characters: letters, digits, private use, and what SQLite's Unicode tables (older than Node's) hold
// unassigned; then the exceptions, measured by probing every code point through FTS5 (SQLite 3.51): code
// points Node's Unicode assigns as symbols or marks that SQLite still has unassigned (emoji after Unicode
// 6.1 among them), and the few SQLite's tables have as symbols that Node's has unassigned.
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}\p{Cn}]/u;
const SQLITE_TOKEN_CHARS =
  "58d-58e,605,61c-61d,7fd-7ff,888,890-891,897-89f,8ca-8e3,8ff,9fd-9fe,a76,afa-aff,b55,c00,c04,c3c,c77," +
  "c81,c84,cf3,d00-d01,d3b-d3c,d4f,d81,eba,ece,1715,180f,1885-1886,1ab0-1add,1ae0-1aeb,1b4e-1b4f,1b7d-1" +
  "b7f,1cf7-1cf9,1de7-1dfb,2066-2069,20ba-20c1,218a-218b,23f4-23ff,2427-2429,2700,2b4d-2b4f,2b5a-2b73,2" +
  "b76-2bff,2e3c-2e5d,2ffc-2fff,31e4-31e5,31ef,32ff,a69e,a82c,a8c5,a8fc,a8ff,a9e5,aa7c-aa7d,ab5b,ab6a-a" +
  "b6b,fbc2-fbd2,fd40-fd4f,fd90-fd91,fdc8-fdcf,fdfe-fdff,fe27-fe2f,1018c-1018e,1019c,101a0,102e0,10376-" +
  "1037a,1056f,10877-10878,10ac8,10ae5-10ae6,10af0-10af6,10b99-10b9c,10d24-10d27,10d69-10d6e,10d8e-10d8" +
  "f,10eab-10ead,10ed0-10ed8,10efa-10eff,10f46-10f50,10f55-10f59,10f82-10f89,11070,11073-11074,1107f,11" +
  "0c2,110cd,11145-11146,11173-11175,111c9-111cf,111db,111dd-111df,1122c-1123e,11241,112a9,112df-112ea," +
  "11300-11303,1133b-1133c,1133e-11344,11347-11348,1134b-1134d,11357,11362-11363,11366-1136c,11370-1137" +
  "4,113b8-113c0,113c2,113c5,113c7-113ca,113cc-113d0,113d2,113d4-113d5,113d7-113d8,113e1-113e2,11435-11" +
  "446,1144b-1144f,1145a-1145b,1145d-1145e,114b0-114c3,114c6,115af-115b5,115b8-115d7,115dc-115dd,11630-" +
  "11643,11660-1166c,116b9,1171d-1172b,1173c-1173f,1182c-1183b,11930-11935,11937-11938,1193b-1193e,1194" +
  "0,11942-11946,119d1-119d7,119da-119e0,119e2,119e4,11a01-11a0a,11a33-11a39,11a3b-11a47,11a51-11a5b,11" +
  "a8a-11a9c,11a9e-11aa2,11b00-11b09,11b60-11b67,11be1,11c2f-11c36,11c38-11c3f,11c41-11c45,11c70-11c71," +
  "11c92-11ca7,11ca9-11cb6,11d31-11d36,11d3a,11d3c-11d3d,11d3f-11d45,11d47,11d8a-11d8e,11d90-11d91,11d9" +
  "3-11d97,11ef3-11ef8,11f00-11f01,11f03,11f34-11f3a,11f3e-11f4f,11f5a,11fd5-11ff1,11fff,12474,12ff1-12" +
  "ff2,13430-13440,13447-13455,1611e-1612f,16a6e-16a6f,16af0-16af5,16b30-16b3f,16b44-16b45,16d6d-16d6f," +
  "16e97-16e9a,16f4f,16f7f-16f87,16fe2,16fe4,16ff0-16ff1,1bc9c-1bca3,1cc00-1ccef,1ccfa-1ccfc,1cd00-1ceb" +
  "3,1ceba-1ced0,1cee0-1cef0,1cf00-1cf2d,1cf30-1cf46,1cf50-1cfc3,1d1de-1d1ea,1d800-1da8b,1da9b-1da9f,1d" +
  "aa1-1daaf,1e000-1e006,1e008-1e018,1e01b-1e021,1e023-1e024,1e026-1e02a,1e08f,1e130-1e136,1e14f,1e2ae," +
  "1e2ec-1e2ef,1e2ff,1e4ec-1e4ef,1e5ee-1e5ef,1e5ff,1e6e3,1e6e6,1e6ee-1e6ef,1e6f5,1e8d0-1e8d6,1e944-1e94" +
  "a,1e95e-1e95f,1ecac,1ecb0,1ed2e,1f0bf,1f0e0-1f0f5,1f10d-1f10f,1f12f,1f16c-1f16f,1f19b-1f1ad,1f23b,1f" +
  "260-1f265,1f321-1f32f,1f336,1f37d-1f37f,1f394-1f39f,1f3c5,1f3cb-1f3df,1f3f1-1f3ff,1f43f,1f441,1f4f8," +
  "1f4fd-1f4ff,1f53e-1f53f,1f544-1f54f,1f568-1f5fa,1f641-1f644,1f650-1f67f,1f6c6-1f6d8,1f6dc-1f6ec,1f6f" +
  "0-1f6fc,1f774-1f7d9,1f7e0-1f7eb,1f7f0,1f800-1f80b,1f810-1f847,1f850-1f859,1f860-1f887,1f890-1f8ad,1f" +
  "8b0-1f8bb,1f8c0-1f8c1,1f8d0-1f8d8,1f900-1fa57,1fa60-1fa6d,1fa70-1fa7c,1fa80-1fa8a,1fa8e-1fac6,1fac8," +
  "1facd-1fadc,1fadf-1faea,1faef-1faf8,1fb00-1fb92,1fb94-1fbef,1fbfa";
const SQLITE_SEPARATORS = "19b0-19c0,19c8-19c9,1cf2-1cf3,fffe-ffff";

/** Sorted [low, high] code point ranges of "a-b,c,…" (hex). */
function ranges(list: string): Array<[number, number]> {
  return list.split(",").map((r) => {
    const [lo, hi = lo] = r.split("-").map((h) => Number.parseInt(h, 16));
    return [lo, hi];
  });
}
// Capital letters whose lower case SQLite's tables do not have yet (they are kept as they are).
const SQLITE_UNFOLDED =
  "37f,528,52a,52c,52e,13a0-13f5,1c80-1c89,1c90-1cba,1cbd-1cbf,2c2f,a698,a69a,a796,a798,a79a,a79c,a79e," +
  "a7ab-a7ae,a7b0-a7b4,a7b6,a7b8,a7ba,a7bc,a7be,a7c0,a7c2,a7c4-a7c7,a7c9,a7cb-a7cc,a7ce,a7d0,a7d2,a7d4," +
  "a7d6,a7d8,a7da,a7dc,a7f5";
const unfolded = ranges(SQLITE_UNFOLDED);
const extraTokens = ranges(SQLITE_TOKEN_CHARS);
const extraSeparators = ranges(SQLITE_SEPARATORS);

function inRanges(list: Array<[number, number]>, c: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < list[mid][0]) hi = mid - 1;
    else if (c > list[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function isTokenChar(ch: string, c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (inRanges(extraTokens, c)) return true;
  if (inRanges(extraSeparators, c)) return false;
  return TOKEN_CHAR.test(ch);
}
// Combining marks FTS5 keeps inside a token (and drops from it): sqlite3Fts5UnicodeIsdiacritic, U+0300–U+0331
// less a few.
const DIACRITIC_MASK_LOW = 0x08029fdf;
const DIACRITIC_MASK_HIGH = 0x000361f8;

function isDiacritic(c: number): boolean {
  if (c < 768 || c > 817) return false;
  return c < 800
    ? (DIACRITIC_MASK_LOW & (1 << (c - 768))) !== 0
    : (DIACRITIC_MASK_HIGH & (1 << (c - 800))) !== 0;
}

// One Latin letter with one diacritic folds to its ASCII base letter (remove_diacritics=1); letters of other
// scripts, and Latin letters with two diacritics, keep them.
const LATIN = /\p{Script=Latin}/u;
const COMBINING = /^\p{M}$/u;

function fold(ch: string): string {
  const c = ch.codePointAt(0) as number;
  if (c < 128) return ch.toLowerCase();
  if (isDiacritic(c)) return "";
  if (inRanges(unfolded, c)) return ch;
  // Only the Basic Multilingual Plane (and Deseret) is case-folded by unicode61.
  // Case folding (ς and σ, µ and μ, ſ and s are one letter), not just lower case.
  let lower = ch;
  if (c < 0x10000 || (c >= 0x10400 && c < 0x10428)) {
    lower = ch.toUpperCase().toLowerCase();
    if (lower === "i" || [...lower].length !== 1) lower = ch.toLowerCase();
  }
  // A letter whose lower case is two code points (İ → i + dot) folds to the first when the rest are marks.
  const chars = [...lower];
  if (chars.length > 1) lower = chars.slice(1).every((m) => COMBINING.test(m)) ? chars[0] : ch;
  if (LATIN.test(lower)) {
    const parts = [...lower.normalize("NFD")];
    if (parts.length === 2 && /^[a-z]$/.test(parts[0]) && COMBINING.test(parts[1])) return parts[0];
  }
  return lower;
}

/** unicode61's tokens of a text, folded, in order, with repeats. */
export function unicodeTokens(text: string): string[] {
  const out: string[] = [];
  let token = "";
  let open = false;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (isTokenChar(ch, c) || (open && isDiacritic(c))) {
      token += fold(ch);
      open = true;
    } else if (open) {
      out.push(token);
      token = "";
      open = false;
    }
  }
  if (open) out.push(token);
  return out;
}

/** The terms `porter unicode61` indexes for a text, in order, with repeats. */
export function ftsTerms(text: string): string[] {
  return unicodeTokens(text).map(porterStem);
}
