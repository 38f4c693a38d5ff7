// The schema as an ordered list of migrations. Each runs in its own IMMEDIATE transaction together with
// its schema_version row, so two processes opening the same file cannot apply one twice, and a database
// from an older lmos gets only the migrations it lacks.
import type BetterSqlite3 from "better-sqlite3";
import { refuseNewerSchema } from "../sql/migrations.ts";
import { TENANCY_DDL } from "../tenancy-sql.ts";

type Migration = (db: BetterSqlite3.Database) => void;

// Messages and passages use an integer rowid (seq) so FTS5 and embeddings key on it; FTS tables are
// contentless with delete support: passages' rows are inserted by the store in the writing transaction
// (messages' since v3 in batches behind it: message-index.ts) and removed by triggers, which also fire on
// ON DELETE CASCADE.
const v1: Migration = (db) =>
  db.exec(`
CREATE TABLE agents (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, agent_type TEXT NOT NULL,
  system TEXT NOT NULL, model TEXT NOT NULL, embedding TEXT, context_window INTEGER,
  tags TEXT NOT NULL, metadata TEXT NOT NULL, settings TEXT NOT NULL, in_context_message_ids TEXT NOT NULL,
  summary TEXT NOT NULL, memory_edited_at TEXT, pressure_warned INTEGER NOT NULL,
  last_stop_reason TEXT, last_run_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX agents_name ON agents(name, created_at);
CREATE INDEX agents_created ON agents(created_at, id);

CREATE TABLE blocks (
  id TEXT PRIMARY KEY, label TEXT NOT NULL, value TEXT NOT NULL, description TEXT,
  char_limit INTEGER NOT NULL, read_only INTEGER NOT NULL, metadata TEXT NOT NULL, tags TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX blocks_created ON blocks(created_at, id);
CREATE TABLE agent_blocks (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  block_id TEXT NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, PRIMARY KEY (agent_id, block_id));
CREATE INDEX agent_blocks_block ON agent_blocks(block_id);

CREATE TABLE tools (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, json_schema TEXT NOT NULL,
  source_code TEXT, source_type TEXT, tool_type TEXT NOT NULL, tags TEXT NOT NULL,
  return_char_limit INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX tools_created ON tools(created_at, id);
CREATE TABLE agent_tools (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, PRIMARY KEY (agent_id, tool_id));
CREATE INDEX agent_tools_tool ON agent_tools(tool_id);

CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  role TEXT NOT NULL, content TEXT NOT NULL, tool_calls TEXT NOT NULL, tool_call_id TEXT, name TEXT,
  kind TEXT, run_id TEXT, step_id TEXT, created_at TEXT NOT NULL);
CREATE INDEX messages_agent_seq ON messages(agent_id, seq);
CREATE INDEX messages_agent_created ON messages(agent_id, created_at, seq);
CREATE INDEX messages_created ON messages(created_at);
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='', contentless_delete=1, tokenize='porter unicode61');
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.seq;
END;
CREATE TABLE message_embeddings (
  seq INTEGER PRIMARY KEY REFERENCES messages(seq) ON DELETE CASCADE,
  dim INTEGER NOT NULL, embedding BLOB NOT NULL);

CREATE TABLE sources (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT, instructions TEXT, embedding TEXT,
  metadata TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agent_sources (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, PRIMARY KEY (agent_id, source_id));
CREATE INDEX agent_sources_source ON agent_sources(source_id);
CREATE TABLE files (
  id TEXT PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  file_name TEXT NOT NULL, file_type TEXT NOT NULL, file_size INTEGER NOT NULL, content_hash TEXT NOT NULL,
  status TEXT NOT NULL, error TEXT, total_chunks INTEGER NOT NULL, text TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (source_id, file_name));
CREATE INDEX files_source_created ON files(source_id, created_at, id);
CREATE TABLE open_files (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  offset INTEGER NOT NULL, length INTEGER NOT NULL, opened_at TEXT NOT NULL,
  PRIMARY KEY (agent_id, file_id));

CREATE TABLE passages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  agent_id TEXT REFERENCES agents(id) ON DELETE CASCADE,
  source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
  file_id TEXT REFERENCES files(id) ON DELETE CASCADE,
  text TEXT NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL, embedding_model TEXT,
  created_at TEXT NOT NULL);
CREATE INDEX passages_agent ON passages(agent_id, created_at, id);
CREATE INDEX passages_source ON passages(source_id, created_at, id);
CREATE INDEX passages_file ON passages(file_id);
CREATE VIRTUAL TABLE passages_fts USING fts5(text, content='', contentless_delete=1, tokenize='porter unicode61');
CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
  DELETE FROM passages_fts WHERE rowid = old.seq;
END;
CREATE TABLE passage_embeddings (
  seq INTEGER PRIMARY KEY REFERENCES passages(seq) ON DELETE CASCADE,
  dim INTEGER NOT NULL, embedding BLOB NOT NULL);

CREATE TABLE runs (
  id TEXT PRIMARY KEY, agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  status TEXT NOT NULL, stop_reason TEXT, created_at TEXT NOT NULL, completed_at TEXT);
CREATE INDEX runs_agent ON runs(agent_id, created_at);
CREATE TABLE steps (
  id TEXT PRIMARY KEY, run_id TEXT NOT NULL, agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  step_index INTEGER NOT NULL, model TEXT NOT NULL, usage TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX steps_run ON steps(run_id, step_index);
CREATE INDEX steps_agent ON steps(agent_id);

CREATE TABLE memory_nodes (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  tier TEXT NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (agent_id, tier, id));
`);

// The in-context id list moves from a JSON column to rows, so a step that appends a few messages writes
// a few rows instead of re-serialising the whole window (450 KB at 10,000 messages).
const v2: Migration = (db) =>
  db.exec(`
CREATE TABLE agent_context (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, message_id TEXT NOT NULL,
  PRIMARY KEY (agent_id, position)) WITHOUT ROWID;
INSERT INTO agent_context (agent_id, position, message_id)
  SELECT a.id, j.key, j.value FROM agents a, json_each(a.in_context_message_ids) j;
ALTER TABLE agents DROP COLUMN in_context_message_ids;
`);

// Two message indexes no query uses (every read filters by agent and orders by created_at, which
// messages_agent_created serves), and the watermark of the deferred full-text index (message-index.ts):
// everything stored so far is indexed already.
const v3: Migration = (db) =>
  db.exec(`
DROP INDEX messages_agent_seq;
DROP INDEX messages_created;
CREATE TABLE messages_fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_seq INTEGER NOT NULL);
INSERT INTO messages_fts_state (id, indexed_seq) SELECT 1, coalesce(max(seq), 0) FROM messages;
`);

// Who owns a run (host, pid, per-process token), so that opening lmos can fail the runs a dead process left
// running; the partial index finds the active runs without scanning every run ever made.
const v4: Migration = (db) =>
  db.exec(`
ALTER TABLE runs ADD COLUMN owner_host TEXT;
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN owner_token TEXT;
CREATE INDEX runs_active ON runs(status) WHERE status IN ('created', 'running');
`);

// Tool rules and a paused run's pending approval on agents (JSON), Letta's default_requires_approval and
// metadata_ on tools, and the MCP servers lmos connects to as a client.
const v5: Migration = (db) =>
  db.exec(`
ALTER TABLE agents ADD COLUMN tool_rules TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN pending_approval TEXT;
ALTER TABLE tools ADD COLUMN default_requires_approval INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tools ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE TABLE mcp_servers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, command TEXT, args TEXT NOT NULL,
  env TEXT NOT NULL, url TEXT, auth_header TEXT, auth_token TEXT, headers TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX mcp_servers_created ON mcp_servers(created_at, id);
`);

// Agent leases (leases.ts): who may run an agent across the processes sharing the file, until when, and
// the fence of that acquisition. A row per agent that ever ran, kept after release so fences only grow.
const v6: Migration = (db) =>
  db.exec(`
CREATE TABLE agent_leases (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  fence INTEGER NOT NULL, holder TEXT NOT NULL,
  owner_host TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_token TEXT NOT NULL,
  expires_at INTEGER NOT NULL) WITHOUT ROWID;
`);

// Custom tools run (issue 12): a tool's sandbox limits and grants, and each agent's tool environment
// (Letta's secrets / tool_exec_environment_variables), kept apart from the agent row so that nothing that
// prints or serialises an agent can carry a secret value.
const v7: Migration = (db) =>
  db.exec(`
ALTER TABLE tools ADD COLUMN sandbox TEXT;
CREATE TABLE agent_secrets (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (agent_id, key)
) WITHOUT ROWID;
`);

// Many agents: a run's chain (who started it, how deep), the one job queue, agents' schedules, and groups.
// A key is unique among unfinished jobs only (a partial index), so a finished job frees its key.
const v8: Migration = (db) =>
  db.exec(`
ALTER TABLE runs ADD COLUMN chain TEXT;
ALTER TABLE runs ADD COLUMN chain_id TEXT;
CREATE INDEX runs_chain ON runs(chain_id, created_at) WHERE chain_id IS NOT NULL;
CREATE TABLE jobs (
  id TEXT PRIMARY KEY, queue TEXT NOT NULL, key TEXT, payload TEXT NOT NULL, status TEXT NOT NULL,
  run_at TEXT NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, locked_by TEXT,
  locked_until TEXT, error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX jobs_key ON jobs(key) WHERE key IS NOT NULL AND status IN ('queued', 'running');
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE INDEX jobs_created ON jobs(created_at, id);
CREATE TABLE schedules (
  id TEXT PRIMARY KEY, agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, spec TEXT NOT NULL,
  payload TEXT NOT NULL, next_run_at TEXT, last_fired_at TEXT, created_at TEXT NOT NULL);
CREATE INDEX schedules_due ON schedules(next_run_at) WHERE next_run_at IS NOT NULL;
CREATE INDEX schedules_agent ON schedules(agent_id, created_at, id);
CREATE INDEX schedules_created ON schedules(created_at, id);
CREATE TABLE agent_groups (
  id TEXT PRIMARY KEY, manager_type TEXT NOT NULL, agent_ids TEXT NOT NULL, description TEXT NOT NULL,
  manager_agent_id TEXT, termination_token TEXT, max_turns INTEGER, sleeptime_agent_frequency INTEGER,
  turns_counter INTEGER NOT NULL, last_processed_message_id TEXT, shared_block_ids TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX agent_groups_created ON agent_groups(created_at, id);
`);

// The order of an agent's archival passages by (created_at, seq), so that a search hit's neighbours
// (passageNeighbours, read by the ranker) are one seek each; an index builds over existing rows.
const v9: Migration = (db) =>
  db.exec("CREATE INDEX passages_agent_order ON passages(agent_id, created_at, seq);");

// Tenancy: API keys (hashed) and the project that owns a resource (none: the default project).
const v10: Migration = (db) => db.exec(TENANCY_DDL);

/** Every migration in order; version N is the N-th entry. Append, never edit. */
export const migrations: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10];

/** Applies the migrations this database lacks; returns how many ran. */
export function migrate(db: BetterSqlite3.Database): number {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
  );
  const current = () =>
    (db.prepare("SELECT coalesce(max(version), 0) AS v FROM schema_version").get() as { v: number }).v;
  const found = current();
  refuseNewerSchema(found, migrations.length);
  let applied = 0;
  for (let version = current() + 1; version <= migrations.length; version++) {
    const ran = db
      .transaction(() => {
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if (current() >= version) return false;
        migrations[version - 1](db);
        db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)").run(
          version,
          new Date().toISOString(),
        );
        return true;
      })
      .immediate();
    if (ran) applied++;
  }
  return applied;
}
