// The words of a search query that carry meaning: lower-cased letter/digit runs without English stop words
// (question words, pronouns, auxiliaries), which match nearly every turn and only add noise to BM25. The
// store's full-text index stems what is left (FTS5 porter / tsvector); `stemKey` is a light stem for
// comparing words in JS (query terms against feedback terms), not a replacement for it.

const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being
  below between both but by can can't could couldn't did didn't do does doesn't doing don't down during each
  else ever few for from further get got had hadn't has hasn't have haven't having he he'd he'll he's her
  here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's
  its itself just let's like me more most much mustn't my myself no nor not now of off on once only or other
  ought our ours ourselves out over own really same say said shan't she she'd she'll she's should shouldn't
  so some such than that that's the their theirs them themselves then there there's these they they'd
  they'll they're they've this those through thus to too under until up upon us very was wasn't we we'd
  we'll we're we've were weren't what what's whatever when when's where where's whether which while who
  who's whom whose why why's will with won't would wouldn't yes yet you you'd you'll you're you've your
  yours yourself yourselves s t d ll m re ve kind kinds sort thing things something anything one ones
  may might must shall lot lots many way ways go goes going gone went`
    .split(/\s+/)
    .filter(Boolean),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Whether a lower-cased word is a stop word. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.replace(/’/g, "'"));
}

/** Lower-cased words of a text (possessive 's and other clitics dropped), in order, with repeats. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/['’](s|d|ll|m|re|ve|t)$/, ""));
}

/** The query's content words, in order of first appearance; if every word is a stop word, all of them
 * (a query such as "who are you" still searches). */
export function queryTerms(text: string): string[] {
  const all = [...new Set(words(text))];
  const content = all.filter((w) => !isStopWord(w) && (w.length > 1 || /\d/.test(w)));
  return content.length > 0 ? content : all;
}

/** A light stem (plural, -ing, -ed, -ly) to tell inflections of one word apart from other words. */
export function stemKey(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(sses|xes|ches|shes)$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith("ly")) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  if (w.length > 3 && w.at(-1) === w.at(-2) && !/[aeiouls]/.test(w.at(-1) as string)) w = w.slice(0, -1);
  return w;
}
