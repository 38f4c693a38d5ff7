// An OpenAI function schema from Python source (Letta's POST /v1/tools takes Python): the first function's
// signature gives the parameters and their types, its docstring (Google or Sphinx style) the descriptions.
import { LmosError } from "../errors.ts";

type JSONSchema = Record<string, unknown>;

export interface PythonToolSchema {
  name: string;
  description: string;
  parameters: JSONSchema;
}

// Parameters the server supplies itself, never the model.
const INJECTED = new Set(["self", "cls", "agent_state"]);

/** Splits at top-level occurrences of `sep` (outside brackets and string literals). */
function splitTop(text: string, sep: string, max = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (depth === 0 && ch === sep && out.length < max) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The index of the bracket closing the one at `open`, or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch) && --depth === 0) return i;
  }
  return -1;
}

/** JSON Schema of a Python type annotation (typing names and builtin generics). */
export function pythonTypeSchema(annotation: string): JSONSchema {
  const t = annotation.trim().replace(/^["']|["']$/g, "");
  const unionParts = splitTop(t, "|").map((s) => s.trim());
  if (unionParts.length > 1) {
    const parts = unionParts.filter((p) => p !== "None");
    return parts.length === 1 ? pythonTypeSchema(parts[0]) : { anyOf: parts.map(pythonTypeSchema) };
  }
  const m = /^([\w.]+)\s*(?:\[(.*)\])?$/s.exec(t);
  if (!m) return {};
  const head = m[1].replace(/^(typing|t)\./, "");
  const args = m[2] !== undefined ? splitTop(m[2], ",").map((s) => s.trim()) : [];
  switch (head) {
    case "int":
      return { type: "integer" };
    case "float":
      return { type: "number" };
    case "str":
      return { type: "string" };
    case "bool":
      return { type: "boolean" };
    case "list":
    case "List":
    case "Sequence":
    case "tuple":
    case "Tuple":
    case "set":
    case "Set":
      return args[0] && args[0] !== "..."
        ? { type: "array", items: pythonTypeSchema(args[0]) }
        : { type: "array" };
    case "dict":
    case "Dict":
    case "Mapping":
      return { type: "object" };
    case "Optional":
      return args[0] ? pythonTypeSchema(args[0]) : {};
    case "Union": {
      const parts = args.filter((p) => p !== "None");
      return parts.length === 1 ? pythonTypeSchema(parts[0]) : { anyOf: parts.map(pythonTypeSchema) };
    }
    case "Literal": {
      const values = args.map((a) => {
        try {
          return JSON.parse(a.replace(/^'(.*)'$/s, '"$1"'));
        } catch {
          return a;
        }
      });
      return { enum: values };
    }
    default:
      return {};
  }
}

interface Docstring {
  description: string;
  params: Map<string, { type?: string; description: string }>;
}

function parseDocstring(doc: string): Docstring {
  const params = new Map<string, { type?: string; description: string }>();
  const description: string[] = [];
  let section: "description" | "args" | "other" = "description";
  let current: { type?: string; description: string } | null = null;
  const lines = doc.split("\n");
  const indentOf = (s: string) => s.length - s.trimStart().length;
  let argIndent = -1;
  for (const line of lines) {
    const trimmed = line.trim();
    const sphinx = /^:param\s+(?:(\S+)\s+)?(\w+):\s*(.*)$/.exec(trimmed);
    if (sphinx) {
      current = { type: sphinx[1], description: sphinx[3] };
      params.set(sphinx[2], current);
      section = "args";
      argIndent = Number.POSITIVE_INFINITY;
      continue;
    }
    if (/^(Args|Arguments|Parameters|Params):$/i.test(trimmed)) {
      section = "args";
      argIndent = -1;
      current = null;
      continue;
    }
    if (/^(Returns?|Yields?|Raises|Examples?|Notes?|:returns?:|:rtype:)/i.test(trimmed)) {
      section = "other";
      current = null;
      continue;
    }
    if (section === "description") {
      description.push(trimmed);
      continue;
    }
    if (section !== "args" || trimmed === "") continue;
    const entry = /^(\*{0,2}\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$/.exec(trimmed);
    if (entry && (argIndent < 0 || indentOf(line) <= argIndent)) {
      argIndent = indentOf(line);
      current = { type: entry[2], description: entry[3] };
      params.set(entry[1], current);
    } else if (current) {
      current.description = `${current.description} ${trimmed}`.trim();
    }
  }
  return {
    description: description
      .join("\n")
      .trim()
      .replace(/\n{2,}/g, "\n\n"),
    params,
  };
}

/** The OpenAI function schema of the first function in `sourceCode`; LmosError when there is none. */
export function pythonToolSchema(sourceCode: string): PythonToolSchema {
  const defs = [...sourceCode.matchAll(/^([ \t]*)(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm)];
  const def = defs.find((d) => d[1] === "") ?? defs[0];
  if (!def || def.index === undefined) {
    throw new LmosError(
      "invalid_argument",
      "sourceCode: no Python function found; define one with `def name(...):`",
    );
  }
  const open = def.index + def[0].length - 1;
  const close = closing(sourceCode, open);
  if (close < 0)
    throw new LmosError("invalid_argument", `sourceCode: the parameter list of ${def[2]} is not closed`);
  const body = sourceCode.slice(close + 1);
  const doc = /^\s*(?:->[^:]*)?:\s*(?:\r?\n\s*)?(?:[rRuU]?)("""|''')([\s\S]*?)\1/.exec(body);
  const docstring = parseDocstring(doc ? dedent(doc[2]) : "");

  const properties: Record<string, JSONSchema> = {};
  const required: string[] = [];
  for (const rawParam of splitTop(sourceCode.slice(open + 1, close), ",")) {
    const param = rawParam.replace(/#.*$/gm, "").trim();
    if (!param || param === "*" || param === "/" || param.startsWith("*")) continue;
    const [left, defaultValue] = splitTop(param, "=", 1);
    const [rawName, annotation] = splitTop(left, ":", 1);
    const name = rawName.trim();
    if (INJECTED.has(name)) continue;
    const doc = docstring.params.get(name);
    const schema = pythonTypeSchema(annotation ?? doc?.type ?? "str");
    properties[name] = { ...schema, ...(doc?.description ? { description: doc.description } : {}) };
    if (defaultValue === undefined) required.push(name);
  }
  return {
    name: def[2],
    description: docstring.description,
    parameters: { type: "object", properties, required },
  };
}

function dedent(text: string): string {
  const lines = text.split("\n");
  const indents = lines
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [lines[0].trim(), ...lines.slice(1).map((l) => l.slice(cut))].join("\n");
}
