// A window of a file's lines with 1-based line numbers, as the file tools and the open-files
// section show it. Long lines and long windows are cut so one file cannot flood the context.

const MAX_LINE_CHARS = 1000;
const MAX_WINDOW_CHARS = 16_000;

export interface FileWindow {
  /** First line shown, 1-based. */
  start: number;
  /** Last line shown, inclusive (start - 1 when the window is empty). */
  end: number;
  totalLines: number;
  text: string;
}

// The open-files section renders every step: keep the split lines of the two most recent big files
// (keyed by file id and version) rather than re-splitting up to 100 MB of text each time.
const recent: Array<{ key: string; lines: string[] }> = [];

/** Splits a file's text into lines (the numbering all file tools share); `key` = "fileId@updatedAt". */
export function fileLines(text: string, key?: string): string[] {
  if (!key || text.length < 256 * 1024) return text.split("\n");
  const hit = recent.find((r) => r.key === key);
  if (hit) return hit.lines;
  const lines = text.split("\n");
  recent.unshift({ key, lines });
  if (recent.length > 2) recent.pop();
  return lines;
}

/** Formats one numbered line, shortening it when it is very long. */
export function numberedLine(no: number, line: string): string {
  const shown =
    line.length > MAX_LINE_CHARS
      ? `${line.slice(0, MAX_LINE_CHARS)} … [${line.length - MAX_LINE_CHARS} more characters]`
      : line;
  return `${no}: ${shown}`;
}

/** Lines [offset, offset + length) of the text, numbered; stops early past MAX_WINDOW_CHARS. */
export function fileWindow(lines: string[], offset: number, length: number): FileWindow {
  const start = Math.max(1, Math.min(offset, lines.length));
  const last = Math.min(lines.length, start + Math.max(1, length) - 1);
  const out: string[] = [];
  let chars = 0;
  let end = start - 1;
  for (let no = start; no <= last; no++) {
    const line = numberedLine(no, lines[no - 1]);
    if (chars + line.length > MAX_WINDOW_CHARS && out.length > 0) break;
    out.push(line);
    chars += line.length + 1;
    end = no;
  }
  return { start, end, totalLines: lines.length, text: out.join("\n") };
}
