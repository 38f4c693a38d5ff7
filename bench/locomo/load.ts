// Reads a file of the LoCoMo schema (github.com/snap-research/LoCoMo, data/locomo10.json; any number of
// conversations) into what peers see: turns with session dates, and the questions of categories 1–4 whose
// evidence names turns that exist. Annotations (summaries, observations, event summaries) are never read:
// they would leak the answers. Questions with malformed or unknown evidence ids are counted and skipped.
import { readFileSync } from "node:fs";
import type {
  LocomoCategory,
  LocomoConversation,
  LocomoQuestion,
  LocomoSession,
  LocomoTurn,
} from "./peer.ts";

export interface LocomoSet {
  conversation: LocomoConversation;
  questions: LocomoQuestion[];
  /** Questions of categories 1–4 left out because an evidence id is malformed or names no turn. */
  skipped: number;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** "1:56 pm on 8 May, 2023" → ISO (UTC, the clock time as written); undefined when unreadable. */
export function parseSessionDate(text: string): string | undefined {
  const m = text.match(/(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i);
  if (!m) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  const month = MONTHS.indexOf(m[5].slice(0, 3).toLowerCase());
  if (month < 0) return undefined;
  const hour = (Number(m[1]) % 12) + (m[3].toLowerCase() === "pm" ? 12 : 0);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]))).toISOString();
}

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new Error(`LoCoMo file: ${where}: ${what}`);
}

/** One conversation object of the file → its turns and its scorable questions. */
export function readConversation(raw: Json, index: number): LocomoSet {
  const where = `conversation ${index}`;
  const conv = raw.conversation as Json | undefined;
  if (!conv || typeof conv !== "object") fail(where, "has no `conversation` object");
  const sampleId = typeof raw.sample_id === "string" ? raw.sample_id : `conversation-${index}`;
  const speakers: [string, string] = [String(conv.speaker_a ?? "A"), String(conv.speaker_b ?? "B")];
  const sessions: LocomoSession[] = [];
  for (const key of Object.keys(conv)) {
    const m = key.match(/^session_(\d+)$/);
    if (!m || !Array.isArray(conv[key])) continue;
    const n = Number(m[1]);
    const dateTime = String(conv[`session_${n}_date_time`] ?? "");
    const turns: LocomoTurn[] = (conv[key] as Json[]).flatMap((t) => {
      if (typeof t?.dia_id !== "string" || typeof t.text !== "string") return [];
      const turn: LocomoTurn = { diaId: t.dia_id, speaker: String(t.speaker ?? ""), text: t.text };
      if (typeof t.blip_caption === "string" && t.blip_caption) turn.caption = t.blip_caption;
      return [turn];
    });
    sessions.push({ index: n, dateTime, date: parseSessionDate(dateTime), turns });
  }
  sessions.sort((a, b) => a.index - b.index);
  const known = new Set(sessions.flatMap((s) => s.turns.map((t) => t.diaId)));
  const questions: LocomoQuestion[] = [];
  let skipped = 0;
  for (const q of (Array.isArray(raw.qa) ? raw.qa : []) as Json[]) {
    const category = Number(q.category);
    if (![1, 2, 3, 4].includes(category) || typeof q.question !== "string") continue;
    const evidence = Array.isArray(q.evidence) ? q.evidence.map(String) : [];
    const ok =
      evidence.length > 0 && evidence.every((id) => /^D\d+:\d+$/.test(id.trim()) && known.has(id.trim()));
    if (!ok) {
      skipped++;
      continue;
    }
    questions.push({
      question: q.question,
      category: category as LocomoCategory,
      evidence: [...new Set(evidence.map((id) => id.trim()))],
    });
  }
  return { conversation: { sampleId, speakers, sessions }, questions, skipped };
}

/** Every conversation of a LoCoMo-schema file (a JSON array, or one conversation object). */
export function loadLocomo(path: string): LocomoSet[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`LoCoMo file ${path}: ${(e as Error).message}`);
  }
  const list = Array.isArray(json) ? json : [json];
  return list.map((c, i) => readConversation(c as Json, i));
}
