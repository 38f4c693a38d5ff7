// Time in search queries: whether a question asks for a time ("when…", "what year…", "how long ago…"),
// whether a text states one ("yesterday", "last May", "in 2022", "two weeks ago"), and which span of dates
// a query names ("in May", "in 2023", "last year", "yesterday") relative to a reference date — the
// memory's newest date, so old memories read as they were written, not as of today.

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH_RE = MONTHS.map((m) => (m === "may" ? "may" : `${m.slice(0, 3)}(?:${m.slice(3)})?`)).join("|");
const WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
const UNITS = "day|days|week|weeks|weekend|weekends|month|months|year|years|night|nights";
const NUMBER = "\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of|several";

const ASKS_TIME = new RegExp(
  [
    "\\bwhen\\b",
    "\\bwhat (?:year|month|day|date|time|week|season)\\b",
    "\\bwhich (?:year|month|day|date|week|season)\\b",
    "\\bhow long (?:ago|has|have|had|did|was|were|is)\\b",
    "\\bsince when\\b",
    "\\bin what (?:year|month)\\b",
  ].join("|"),
  "i",
);

const STATES_TIME = new RegExp(
  [
    "\\b(?:yesterday|today|tonight|tomorrow|recently|lately|ago)\\b",
    `\\b(?:last|next|this|past|coming|previous|following) (?:${UNITS}|${WEEKDAYS}|morning|evening|summer|winter|spring|fall|autumn|${MONTH_RE})\\b`,
    `\\b(?:${NUMBER}) (?:${UNITS}) (?:ago|back|before|later|earlier)\\b`,
    // "may" the month, not the verb: next to a preposition, a day or a year.
    `\\b(?:${MONTH_RE.replace("may|", "")})\\b`,
    "\\b(?:in|last|next|this|early|late|mid|since|until|of|by) may\\b|\\bmay \\d|\\d(?:st|nd|rd|th)? (?:of )?may\\b",
    `\\b(?:${WEEKDAYS})\\b`,
    "\\b(?:19|20)\\d{2}\\b",
    "\\b(?:the )?other day\\b",
  ].join("|"),
  "i",
);

/** Whether the query asks when something happened (so texts that say when rank up). */
export function asksForTime(query: string): boolean {
  return ASKS_TIME.test(query);
}

/** Whether the text says when something happened ("yesterday", "last week", "in May", "2022"). */
export function statesTime(text: string): boolean {
  return STATES_TIME.test(text);
}

/** An inclusive span of instants (ms since the epoch). */
export interface TimeSpan {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
const utcDay = (y: number, m: number, d: number) => Date.UTC(y, m, d);

/** The spans of dates the query names, relative to `reference`; [] when it names none. A month without a
 * year is that month in the reference's year and the year before. */
export function namedTimeSpans(query: string, reference: Date): TimeSpan[] {
  const q = query.toLowerCase();
  const y = reference.getUTCFullYear();
  const m = reference.getUTCMonth();
  const d = reference.getUTCDate();
  const spans: TimeSpan[] = [];
  const year = (yy: number) => ({ start: utcDay(yy, 0, 1), end: utcDay(yy + 1, 0, 1) - 1 });
  const month = (yy: number, mm: number) => ({ start: utcDay(yy, mm, 1), end: utcDay(yy, mm + 1, 1) - 1 });
  if (/\byesterday\b/.test(q)) spans.push({ start: utcDay(y, m, d - 1), end: utcDay(y, m, d) - 1 });
  if (/\btoday\b/.test(q)) spans.push({ start: utcDay(y, m, d), end: utcDay(y, m, d + 1) - 1 });
  if (/\blast week\b/.test(q)) spans.push({ start: utcDay(y, m, d - 14), end: utcDay(y, m, d) - 1 });
  if (/\blast month\b/.test(q)) spans.push(month(y, m - 1));
  if (/\bthis month\b/.test(q)) spans.push(month(y, m));
  if (/\blast year\b/.test(q)) spans.push(year(y - 1));
  if (/\bthis year\b/.test(q)) spans.push(year(y));
  const ago = q.match(/\b(\d+|a|an|one|two|three|four|five|six) (day|week|month|year)s? ago\b/);
  if (ago) {
    const n =
      Number(ago[1]) ||
      ({ a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 } as Record<string, number>)[ago[1]];
    const unit = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS, year: 365 * DAY_MS }[ago[2] as "day"];
    const at = reference.getTime() - n * unit;
    spans.push({ start: at - unit / 2, end: at + unit / 2 });
  }
  for (const hit of q.matchAll(
    new RegExp(
      `\\b(?:in|during|of|since|last|early|late|mid)[ -](${MONTH_RE})\\b(?:,? ((?:19|20)\\d{2}))?`,
      "g",
    ),
  )) {
    const mm = MONTHS.findIndex((name) => name.startsWith(hit[1].slice(0, 3)));
    if (hit[2]) spans.push(month(Number(hit[2]), mm));
    else spans.push(month(y, mm), month(y - 1, mm));
  }
  for (const hit of q.matchAll(/\b(?:in|during|of|since|by) ((?:19|20)\d{2})\b/g))
    spans.push(year(Number(hit[1])));
  return spans;
}
