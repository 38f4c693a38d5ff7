// FTS5's Porter stemmer (the `porter` tokenizer over unicode61's tokens), in JS for the PostgreSQL store
// (fts-tokens.ts says why): the 1980 algorithm with the "bli"/"logi" departures of Porter's C version, run
// on the token's UTF-8 bytes as FTS5 runs it (a byte >= 0x80 is a consonant); tokens shorter than 3 or
// longer than 64 bytes are left as they are.

const A = 97;
const E = 101;
const I = 105;
const O = 111;
const U = 117;
const Y = 121;

function isVowel(b: number, yIsVowel: boolean): boolean {
  return b === A || b === E || b === I || b === O || b === U || (yIsVowel && b === Y);
}

/** Past the first vowel-consonant sequence of w[from, to), the index after it, or 0 when there is none. */
function gobbleVC(w: Uint8Array, from: number, to: number, prevCons: boolean): number {
  let cons = prevCons;
  let i = from;
  for (; i < to; i++) {
    cons = !isVowel(w[i], cons);
    if (!cons) break;
  }
  for (i++; i < to; i++) {
    cons = !isVowel(w[i], cons);
    if (cons) return i + 1;
  }
  return 0;
}

type Cond = (w: Uint8Array, n: number) => boolean;
const mGt0: Cond = (w, n) => gobbleVC(w, 0, n, false) !== 0;
const mGt1: Cond = (w, n) => {
  const k = gobbleVC(w, 0, n, false);
  return k !== 0 && gobbleVC(w, k, n, true) !== 0;
};
const mEq1: Cond = (w, n) => {
  const k = gobbleVC(w, 0, n, false);
  return k !== 0 && gobbleVC(w, k, n, true) === 0;
};
const oStar: Cond = (w, n) => {
  const last = w[n - 1];
  if (last === 119 || last === 120 || last === Y) return false;
  let mask = 0;
  let cons = false;
  for (let i = 0; i < n; i++) {
    cons = !isVowel(w[i], cons);
    mask = ((mask << 1) | (cons ? 1 : 0)) & 0xff;
  }
  return (mask & 7) === 5;
};
const mGt1ST: Cond = (w, n) => (w[n - 1] === 115 || w[n - 1] === 116) && mGt1(w, n);
const hasVowel: Cond = (w, n) => {
  for (let i = 0; i < n; i++) if (isVowel(w[i], i > 0)) return true;
  return false;
};

/** A rule: the suffix, the condition on the stem before it, its replacement. */
type Rule = readonly [suffix: string, cond: Cond, replacement: string];

// In each step the first rule whose suffix ends the word decides (its condition failing ends the step).
const STEP2: Rule[] = [
  ["ational", mGt0, "ate"],
  ["tional", mGt0, "tion"],
  ["enci", mGt0, "ence"],
  ["anci", mGt0, "ance"],
  ["izer", mGt0, "ize"],
  ["logi", mGt0, "log"],
  ["bli", mGt0, "ble"],
  ["alli", mGt0, "al"],
  ["entli", mGt0, "ent"],
  ["eli", mGt0, "e"],
  ["ousli", mGt0, "ous"],
  ["ization", mGt0, "ize"],
  ["ation", mGt0, "ate"],
  ["ator", mGt0, "ate"],
  ["alism", mGt0, "al"],
  ["iveness", mGt0, "ive"],
  ["fulness", mGt0, "ful"],
  ["ousness", mGt0, "ous"],
  ["aliti", mGt0, "al"],
  ["iviti", mGt0, "ive"],
  ["biliti", mGt0, "ble"],
];
const STEP3: Rule[] = [
  ["ical", mGt0, "ic"],
  ["ness", mGt0, ""],
  ["icate", mGt0, "ic"],
  ["iciti", mGt0, "ic"],
  ["ful", mGt0, ""],
  ["ative", mGt0, ""],
  ["alize", mGt0, "al"],
];
const STEP4: Rule[] = [
  ["al", mGt1, ""],
  ["ance", mGt1, ""],
  ["ence", mGt1, ""],
  ["er", mGt1, ""],
  ["ic", mGt1, ""],
  ["able", mGt1, ""],
  ["ible", mGt1, ""],
  ["ant", mGt1, ""],
  ["ement", mGt1, ""],
  ["ment", mGt1, ""],
  ["ent", mGt1, ""],
  ["ion", mGt1ST, ""],
  ["ou", mGt1, ""],
  ["ism", mGt1, ""],
  ["ate", mGt1, ""],
  ["iti", mGt1, ""],
  ["ous", mGt1, ""],
  ["ive", mGt1, ""],
  ["ize", mGt1, ""],
];

function endsWith(w: Uint8Array, n: number, suffix: string): boolean {
  if (n <= suffix.length) return false;
  for (let i = 0; i < suffix.length; i++) if (w[n - suffix.length + i] !== suffix.charCodeAt(i)) return false;
  return true;
}

/** Applies the first rule of `rules` whose suffix ends w[0, n) (FTS5 groups them by the suffix's
 * second-to-last letter, which makes the first match in this order the one it takes); the new length. */
function applyStep(w: Uint8Array, n: number, rules: Rule[]): number {
  for (const [suffix, cond, replacement] of rules) {
    if (suffix.charCodeAt(suffix.length - 2) !== w[n - 2] || !endsWith(w, n, suffix)) continue;
    const stem = n - suffix.length;
    if (!cond(w, stem)) return n;
    for (let i = 0; i < replacement.length; i++) w[stem + i] = replacement.charCodeAt(i);
    return stem + replacement.length;
  }
  return n;
}

function step1a(w: Uint8Array, n: number): number {
  if (w[n - 1] !== 115) return n;
  if (w[n - 2] === E) {
    if ((n > 4 && w[n - 4] === 115 && w[n - 3] === 115) || (n > 3 && w[n - 3] === I)) return n - 2;
    return n - 1;
  }
  return w[n - 2] !== 115 ? n - 1 : n;
}

/** Step 1b: -eed, -ed, -ing; returns the new length and whether -ed/-ing went. */
function step1b(w: Uint8Array, n: number): [number, boolean] {
  if (w[n - 2] === E) {
    if (endsWith(w, n, "eed")) return mGt0(w, n - 3) ? [n - 1, false] : [n, false];
    if (endsWith(w, n, "ed")) return hasVowel(w, n - 2) ? [n - 2, true] : [n, false];
  } else if (w[n - 2] === 110 && endsWith(w, n, "ing")) {
    return hasVowel(w, n - 3) ? [n - 3, true] : [n, false];
  }
  return [n, false];
}

function step1b2(w: Uint8Array, n: number): number {
  for (const [from, to] of [
    ["at", "ate"],
    ["bl", "ble"],
    ["iz", "ize"],
  ]) {
    if (endsWith(w, n, from)) {
      w.set(Buffer.from(to), n - 2);
      return n + 1;
    }
  }
  const c = w[n - 1];
  if (!isVowel(c, false) && c !== 108 && c !== 115 && c !== 122 && c === w[n - 2]) return n - 1;
  if (mEq1(w, n) && oStar(w, n)) {
    w[n] = E;
    return n + 1;
  }
  return n;
}

/** FTS5's Porter stem of one folded token. */
export function porterStem(token: string): string {
  const bytes = Buffer.from(token, "utf8");
  if (bytes.length < 3 || bytes.length > 64) return token;
  const w = new Uint8Array(bytes.length + 8);
  w.set(bytes);
  let n = step1a(w, bytes.length);
  const [after1b, removed] = step1b(w, n);
  n = removed ? step1b2(w, after1b) : after1b;
  if (w[n - 1] === Y && hasVowel(w, n - 1)) w[n - 1] = I;
  n = applyStep(w, n, STEP2);
  n = applyStep(w, n, STEP3);
  n = applyStep(w, n, STEP4);
  if (w[n - 1] === E && (mGt1(w, n - 1) || (mEq1(w, n - 1) && !oStar(w, n - 1)))) n--;
  if (n > 1 && w[n - 1] === 108 && w[n - 2] === 108 && mGt1(w, n - 1)) n--;
  return Buffer.from(w.subarray(0, n)).toString("utf8");
}
