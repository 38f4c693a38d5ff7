// Bytes of one uploaded file → its text. Each failure says what was wrong with the file, so the
// per-file error line of `lmos ingest` tells the user what to do.
import { LmosError } from "../errors.ts";
import { type DocumentKind, detectKind, mimeType } from "./file-type.ts";
import { htmlToText } from "./html.ts";

export interface ParsedDocument {
  kind: DocumentKind;
  /** MIME type, stored as the file's fileType. */
  fileType: string;
  /** The text the chunker splits and the file tools show; lines are what line numbers count. */
  text: string;
}

function decodeUtf8(bytes: Uint8Array): string {
  const text = new TextDecoder("utf-8").decode(bytes);
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, "\n");
}

async function pdfText(name: string, bytes: Uint8Array): Promise<string> {
  const { getDocumentProxy } = await import("unpdf");
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, verbosity: 0 });
  } catch (e) {
    const kind = (e as { name?: string }).name;
    if (kind === "PasswordException") {
      throw new LmosError(
        "invalid_argument",
        `${name} is an encrypted PDF; remove its password and upload it again`,
      );
    }
    throw new LmosError("invalid_argument", `${name} is not a readable PDF (${(e as Error).message})`, {
      cause: e,
    });
  }
  try {
    const pages: string[] = [];
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str;
        if (item.hasEOL) text += "\n";
        else if (item.str && !item.str.endsWith(" ")) text += " ";
      }
      pages.push(text.replace(/[ \t]+\n/g, "\n").trim());
    }
    return pages.join("\n\n");
  } catch (e) {
    throw new LmosError("invalid_argument", `${name}: the PDF is damaged (${(e as Error).message})`, {
      cause: e,
    });
  } finally {
    await pdf.destroy();
  }
}

async function docxText(name: string, bytes: Uint8Array): Promise<string> {
  try {
    // Loaded on first use, like unpdf: a large module every CLI command loaded and few use.
    const { default: mammoth } = await import("mammoth");
    const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
    return htmlToText(value);
  } catch (e) {
    throw new LmosError(
      "invalid_argument",
      `${name} is not a readable .docx file (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

/** Pretty-prints one-line JSON so line numbers and grep stay useful; other JSON is kept as written. */
function jsonText(name: string, text: string): string {
  const firstNewline = text.indexOf("\n");
  if (firstNewline !== -1 && firstNewline < 2000) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    if (name.endsWith(".jsonl")) return text;
    throw new LmosError("invalid_argument", `${name} is not valid JSON`);
  }
}

/** Parses one file; throws LmosError("invalid_argument") when the file is empty, binary or unreadable. */
export async function parseDocument(name: string, bytes: Uint8Array): Promise<ParsedDocument> {
  if (bytes.length === 0)
    throw new LmosError("invalid_argument", `${name} is empty (0 bytes); nothing to ingest`);
  const kind = detectKind(name, bytes);
  let text: string;
  switch (kind) {
    case "pdf":
      text = await pdfText(name, bytes);
      break;
    case "docx":
      text = await docxText(name, bytes);
      break;
    case "html":
      text = htmlToText(decodeUtf8(bytes));
      break;
    case "json":
      text = jsonText(name, decodeUtf8(bytes));
      break;
    default:
      text = decodeUtf8(bytes);
  }
  if (text.trim() === "") {
    const hint = kind === "pdf" ? " (a scanned PDF has no text layer; run OCR first)" : "";
    throw new LmosError("invalid_argument", `${name} contains no text${hint}`);
  }
  return { kind, fileType: mimeType(kind), text };
}
