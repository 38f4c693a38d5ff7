// File kinds lmos can parse, from the file name and a sniff of the first bytes. Binary content that is
// none of the known document formats is refused: its "text" would only pollute search.
import { LmosError } from "../errors.ts";

export type DocumentKind = "text" | "markdown" | "html" | "pdf" | "docx" | "json" | "csv";

const byExtension: Record<string, DocumentKind> = {
  txt: "text",
  text: "text",
  log: "text",
  md: "markdown",
  markdown: "markdown",
  mdx: "markdown",
  html: "html",
  htm: "html",
  xhtml: "html",
  pdf: "pdf",
  docx: "docx",
  json: "json",
  jsonl: "json",
  csv: "csv",
  tsv: "csv",
};

const mimeOf: Record<DocumentKind, string> = {
  text: "text/plain",
  markdown: "text/markdown",
  html: "text/html",
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  json: "application/json",
  csv: "text/csv",
};

/** The MIME type stored as a file's fileType. */
export function mimeType(kind: DocumentKind): string {
  return mimeOf[kind];
}

/** Rejects names that are empty, too long or carry a path (an upload names one file, not a place on disk). */
export function checkFileName(name: string): void {
  if (name.trim() === "") throw new LmosError("invalid_argument", "file name is empty");
  if (/[/\\]/.test(name) || name === "." || name === "..") {
    throw new LmosError(
      "invalid_argument",
      `file name "${name}" contains a path separator; give the bare file name (e.g. "report.pdf")`,
    );
  }
  if (/[\u0000-\u001f]/.test(name))
    throw new LmosError("invalid_argument", "file name contains control characters");
  if (name.length > 255) throw new LmosError("invalid_argument", "file name is longer than 255 characters");
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** True when the bytes look like something other than text (NUL bytes, or not UTF-8 at all). */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64 * 1024);
  if (head.includes(0)) return true;
  let control = 0;
  // Indexed loops: iterating a Buffer with for-of is ~10× slower, and this runs on every file.
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b < 9 || (b > 13 && b < 32) || b === 127) control++;
  }
  if (control > head.length * 0.01) return true;
  // Cut at a character boundary so a multi-byte character split by the 64 KiB window is not "invalid".
  let end = head.length;
  if (end < bytes.length) while (end > 0 && (head[end - 1] & 0xc0) === 0x80) end--;
  if (end < bytes.length && end > 0 && head[end - 1] >= 0xc0) end--;
  const text = new TextDecoder("utf-8").decode(head.subarray(0, end));
  let bad = 0;
  for (let i = text.indexOf("\ufffd"); i !== -1; i = text.indexOf("\ufffd", i + 1)) bad++;
  return bad > text.length * 0.01;
}

/** Which parser a file needs: by magic bytes first (a PDF named .txt is still a PDF), then by extension. */
export function detectKind(name: string, bytes: Uint8Array): DocumentKind {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf"; // %PDF-
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
  const kind = byExtension[ext];
  if (kind === "pdf") return "pdf"; // no magic: the PDF parser reports it as corrupt
  if (kind === "docx") return "docx";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    throw new LmosError(
      "invalid_argument",
      `${name} is a zip archive; lmos reads .docx but not other archives`,
    );
  }
  if (looksBinary(bytes)) {
    throw new LmosError(
      "invalid_argument",
      `${name} is binary, not text; supported: txt, md, html, pdf, docx, json, csv`,
    );
  }
  if (kind) return kind;
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) return "html";
  return "text";
}
