// Sources (Letta's folders): documents the agents can open, grep and search. Create a folder, upload files
// with a progress bar, and attach the folder to agents.
import { useState } from "preact/hooks";
import { api, seg } from "../api/client.ts";
import { uploadFile } from "../api/upload.ts";
import type { Agent, FileMeta, Folder } from "../api/types.ts";
import { ConfirmButton } from "../components/confirm-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { bytes, int, when } from "../lib/format.ts";
import { useLoad } from "../lib/use-load.ts";

interface UploadState {
  name: string;
  sent: number;
  done: boolean;
}

function FolderCard({ folder, agents, onChange }: { folder: Folder; agents: Agent[]; onChange: () => void }) {
  const path = `folders/${seg(folder.id)}`;
  const files = useLoad(
    (signal) => api<FileMeta[]>("GET", `${path}/files`, { query: { limit: 1000 }, signal }),
    [folder.id],
  );
  const attached = useLoad((signal) => api<string[]>("GET", `${path}/agents`, { signal }), [folder.id]);
  const [upload, setUpload] = useState<UploadState | null>(null);
  const [pick, setPick] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const fail = (e: unknown) => setError(e instanceof Error ? e : new Error(String(e)));

  async function send(list: FileList | null) {
    setError(null);
    for (const file of Array.from(list ?? [])) {
      setUpload({ name: file.name, sent: 0, done: false });
      try {
        await uploadFile(folder.id, file, (sent) => setUpload({ name: file.name, sent, done: false }));
        setUpload({ name: file.name, sent: 1, done: true });
      } catch (e) {
        fail(e);
        setUpload(null);
        return;
      }
      await files.reload();
    }
  }

  async function attach(agentId: string, on: boolean) {
    setError(null);
    try {
      await api("PATCH", `agents/${seg(agentId)}/folders/${on ? "attach" : "detach"}/${seg(folder.id)}`);
      await attached.reload();
    } catch (e) {
      fail(e);
    }
  }

  const attachedIds = new Set(attached.data ?? []);
  const byId = new Map(agents.map((a) => [a.id, a]));
  const pct = upload ? Math.round(upload.sent * 100) : 0;
  return (
    <section class="card folder" data-folder={folder.name} aria-labelledby={`folder-${folder.id}`}>
      <header class="page-head">
        <h2 id={`folder-${folder.id}`}>{folder.name}</h2>
        <ConfirmButton
          label="Delete folder"
          question={`Delete ${folder.name} and its files?`}
          onConfirm={async () => {
            try {
              await api("DELETE", path);
              onChange();
            } catch (e) {
              fail(e);
            }
          }}
        />
      </header>
      {folder.description ? <p class="muted">{folder.description}</p> : null}
      <ErrorNote error={error ?? files.error} />
      <table class="table files-table">
        <caption class="sr-only">Files in {folder.name}</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Size</th>
            <th scope="col">Chunks</th>
            <th scope="col">Status</th>
            <th scope="col">Added</th>
          </tr>
        </thead>
        <tbody>
          {(files.data ?? []).map((f) => (
            <tr key={f.id} data-file={f.file_name}>
              <th scope="row">{f.file_name}</th>
              <td class="num">{bytes(f.file_size)}</td>
              <td class="num">{int(f.total_chunks)}</td>
              <td>{f.processing_status ?? "–"}</td>
              <td>{when(f.created_at)}</td>
            </tr>
          ))}
          {files.data?.length === 0 ? (
            <tr>
              <td colSpan={5} class="muted">
                No files yet.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <div class="upload">
        <label class="file-pick">
          <span>Upload files</span>
          <input
            type="file"
            multiple
            accept=".txt,.md,.markdown,.html,.htm,.pdf,.docx,.json,.csv"
            onChange={(e) => {
              const input = e.currentTarget;
              void send(input.files).then(() => {
                input.value = "";
              });
            }}
          />
        </label>
        <div class="progress-line" aria-live="polite">
          {upload ? (
            <>
              <label for={`progress-${folder.id}`} class="progress-label">
                {upload.done
                  ? `${upload.name} indexed`
                  : upload.sent < 1
                    ? `Uploading ${upload.name}`
                    : `Indexing ${upload.name}…`}
              </label>
              <progress id={`progress-${folder.id}`} max={100} value={pct} data-testid="upload-progress">
                {pct}%
              </progress>
              <span class="num">{pct}%</span>
            </>
          ) : (
            <span class="muted">txt, md, html, pdf, docx, json, csv</span>
          )}
        </div>
      </div>
      <div class="attach">
        <h3>Attached to</h3>
        <ul class="chips">
          {[...attachedIds].map((id) => (
            <li key={id} class="chip">
              {byId.get(id)?.name ?? id}
              <button
                type="button"
                class="chip-x"
                aria-label={`Detach from ${byId.get(id)?.name ?? id}`}
                onClick={() => void attach(id, false)}
              >
                ×
              </button>
            </li>
          ))}
          {attachedIds.size === 0 ? <li class="muted">no agent</li> : null}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (pick) void attach(pick, true).then(() => setPick(""));
          }}
        >
          <label class="field">
            <span>Attach to agent</span>
            {/* `selected` on the options, not `value` on the select: the options change under it. */}
            <select aria-label="Attach to agent" onChange={(e) => setPick(e.currentTarget.value)}>
              <option value="" selected={pick === ""}>
                Choose an agent…
              </option>
              {agents
                .filter((a) => !attachedIds.has(a.id))
                .map((a) => (
                  <option key={a.id} value={a.id} selected={pick === a.id}>
                    {a.name}
                  </option>
                ))}
            </select>
          </label>
          <button type="submit" disabled={!pick}>
            Attach
          </button>
        </form>
      </div>
    </section>
  );
}

/** The sources page. */
export function SourcesPage() {
  const folders = useLoad(
    (signal) => api<Folder[]>("GET", "folders/", { query: { limit: 1000 }, signal }),
    [],
  );
  const agents = useLoad((signal) => api<Agent[]>("GET", "agents/", { query: { limit: 1000 }, signal }), []);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<Error | null>(null);
  return (
    <div class="page narrow-page">
      <header class="page-head">
        <h1>Sources</h1>
      </header>
      <p class="lede">
        Agents with a source attached get file tools (open, grep, search); open files appear in their context.
      </p>
      <ErrorNote error={folders.error ?? error} />
      {(folders.data ?? []).map((f) => (
        <FolderCard key={f.id} folder={f} agents={agents.data ?? []} onChange={() => void folders.reload()} />
      ))}
      <form
        class="card"
        aria-labelledby="new-folder-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await api("POST", "folders/", {
              body: { name: name.trim(), ...(description ? { description } : {}) },
            });
            setName("");
            setDescription("");
            await folders.reload();
          } catch (err) {
            setError(err instanceof Error ? err : new Error(String(err)));
          }
        }}
      >
        <h2 id="new-folder-title">New source</h2>
        <div class="field-row">
          <label class="field">
            <span>Name</span>
            <input
              value={name}
              required
              onInput={(e) => setName(e.currentTarget.value)}
              placeholder="handbook"
            />
          </label>
          <label class="field grow">
            <span>Description</span>
            <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
        </div>
        <div class="form-actions">
          <button type="submit">Create source</button>
        </div>
      </form>
    </div>
  );
}
