// The form that creates or edits a custom tool: language, source, JSON schema (required for JavaScript and
// TypeScript; derived from a Python function's signature and docstring when left empty), and lmos's sandbox
// settings — wall time, network (with allowed hosts) and a granted directory — plus Letta's approval flag.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import type { Tool, ToolSandbox } from "../api/types.ts";
import { ErrorNote } from "./error-note.tsx";

const EXAMPLES: Record<string, string> = {
  python: `def shout(text: str) -> str:
    """Repeats the text in capitals.

    Args:
        text: what to shout
    """
    return text.upper()
`,
  javascript: "export function shout(text) {\n  return text.toUpperCase();\n}\n",
  typescript: "export function shout(text: string): string {\n  return text.toUpperCase();\n}\n",
};

const SCHEMA_EXAMPLE = JSON.stringify(
  {
    name: "shout",
    description: "Repeats the text in capitals.",
    parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  },
  null,
  2,
);

/** Creates (no `tool`) or edits a custom tool; `onSaved` gets the stored tool. */
export function ToolEditor({
  tool,
  onSaved,
  onCancel,
}: {
  tool?: Tool;
  onSaved: (t: Tool) => void;
  onCancel: () => void;
}) {
  const sb = tool?.sandbox ?? {};
  const [language, setLanguage] = useState(tool?.source_type ?? "python");
  const [source, setSource] = useState(tool?.source_code ?? EXAMPLES.python);
  const [schema, setSchema] = useState(
    tool && tool.source_type !== "python" ? JSON.stringify(tool.json_schema, null, 2) : "",
  );
  const [timeout, setTimeoutMs] = useState(sb.timeout_ms ? String(sb.timeout_ms) : "");
  const [network, setNetwork] = useState(sb.network ?? false);
  const [hosts, setHosts] = useState((sb.allowed_hosts ?? []).join(", "));
  const [dir, setDir] = useState(sb.filesystem?.path ?? "");
  const [mode, setMode] = useState<"ro" | "rw">(sb.filesystem?.mode ?? "ro");
  const [approval, setApproval] = useState(tool?.default_requires_approval ?? false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  function pickLanguage(next: string) {
    // A fresh form follows the language with its example; an edited source is left alone.
    if (!tool && source === EXAMPLES[language]) setSource(EXAMPLES[next] ?? "");
    if (!tool && next !== "python" && !schema) setSchema(SCHEMA_EXAMPLE);
    setLanguage(next);
  }

  async function save(e: Event) {
    e.preventDefault();
    setError(null);
    let jsonSchema: Record<string, unknown> | undefined;
    try {
      jsonSchema = schema.trim() ? (JSON.parse(schema) as Record<string, unknown>) : undefined;
    } catch (err) {
      setError(new Error(`The JSON schema is not valid JSON: ${(err as Error).message}`));
      return;
    }
    const sandbox: ToolSandbox = {
      timeout_ms: timeout ? Number(timeout) : null,
      network,
      allowed_hosts: network && hosts.trim() ? hosts.split(/[\s,]+/).filter(Boolean) : null,
      // No directory: the server's default (LMOS_TOOL_FS_DIR); null only clears one this tool had.
      ...(dir.trim()
        ? { filesystem: { path: dir.trim(), mode } }
        : sb.filesystem
          ? { filesystem: null }
          : {}),
    };
    const body = {
      source_code: source,
      source_type: language,
      ...(jsonSchema ? { json_schema: jsonSchema } : {}),
      sandbox,
      default_requires_approval: approval,
    };
    setBusy(true);
    try {
      const saved = tool
        ? await api<Tool>("PATCH", `tools/${seg(tool.id)}`, { body })
        : await api<Tool>("POST", "tools/", { body });
      onSaved(saved);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card tool-editor" onSubmit={save} aria-label={tool ? `Edit ${tool.name}` : "New tool"}>
      <h2>{tool ? `Edit ${tool.name}` : "New tool"}</h2>
      <div class="field-row">
        <label class="field narrow">
          <span>Language</span>
          <select value={language} onChange={(e) => pickLanguage(e.currentTarget.value)}>
            <option value="python">Python</option>
            <option value="javascript">JavaScript</option>
            <option value="typescript">TypeScript</option>
          </select>
        </label>
      </div>
      <label class="field">
        <span>Source code</span>
        <textarea
          class="code"
          rows={10}
          spellcheck={false}
          value={source}
          required
          onInput={(e) => setSource(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>
          JSON schema{" "}
          <span class="muted">
            {language === "python" ? "(optional: derived from the function)" : "(required: name, parameters)"}
          </span>
        </span>
        <textarea
          class="code"
          rows={language === "python" ? 3 : 8}
          spellcheck={false}
          value={schema}
          required={language !== "python"}
          onInput={(e) => setSchema(e.currentTarget.value)}
        />
      </label>
      <fieldset class="grants">
        <legend>Sandbox</legend>
        <div class="field-row">
          <label class="field narrow">
            <span>Wall time (ms)</span>
            <input
              type="number"
              min={1}
              placeholder="server default"
              value={timeout}
              onInput={(e) => setTimeoutMs(e.currentTarget.value)}
            />
          </label>
          <label class="check">
            <input type="checkbox" checked={network} onChange={(e) => setNetwork(e.currentTarget.checked)} />
            <span>Network access</span>
          </label>
          <label class="field grow">
            <span>Allowed hosts</span>
            <input
              value={hosts}
              disabled={!network}
              placeholder="any host (e.g. api.example.com, *.example.org)"
              onInput={(e) => setHosts(e.currentTarget.value)}
            />
          </label>
        </div>
        <div class="field-row">
          <label class="field grow">
            <span>Directory (mounted at /data)</span>
            <input
              value={dir}
              placeholder="none — a folder inside the server's tool-files directory"
              onInput={(e) => setDir(e.currentTarget.value)}
            />
          </label>
          <label class="field narrow">
            <span>Access</span>
            <select value={mode} onChange={(e) => setMode(e.currentTarget.value as "ro" | "rw")}>
              <option value="ro">read-only</option>
              <option value="rw">read-write</option>
            </select>
          </label>
        </div>
      </fieldset>
      <label class="check">
        <input type="checkbox" checked={approval} onChange={(e) => setApproval(e.currentTarget.checked)} />
        <span>Calls wait for a person's approval (on agents it is attached to from now on)</span>
      </label>
      <ErrorNote error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {tool ? "Save tool" : "Create tool"}
        </button>
        <button type="button" class="quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
