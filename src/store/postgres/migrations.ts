// The PostgreSQL schema as an ordered list of migrations, recorded in schema_migrations. Each runs in its
// own transaction under an advisory lock on the schema, so replicas starting together apply each once,
// and a database from an older lmos gets only what it lacks. The tables mirror the SQLite store's (same
// columns, JSON as text, timestamps as canonical ISO text) so the codecs are shared; tables SQLite orders
// by rowid have a `seq` identity column instead.
import { refuseNewerSchema } from "../sql/migrations.ts";
import { searchableText } from "../sqlite/messages.ts";
import { TENANCY_DDL } from "../tenancy-sql.ts";
import { type Db, type Q, quoteIdent } from "./db.ts";
import { lexicalColumns } from "./lexical.ts";

type Migration = (q: Q) => Promise<unknown>;

// Lexical search: a tsvector column per searchable table (since v6 holding FTS5's terms: lexical.ts). Vectors: `embedding` bytea (float32, little endian) scanned exactly when
// pgvector is missing; `vec` (pgvector) is added by v2 when the extension exists.
const v1: Migration = (q) =>
  q.run(`
CREATE TABLE agents (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, agent_type TEXT NOT NULL,
  system TEXT NOT NULL, model TEXT NOT NULL, embedding TEXT, context_window INTEGER,
  tags TEXT NOT NULL, metadata TEXT NOT NULL, settings TEXT NOT NULL, tool_rules TEXT NOT NULL DEFAULT '[]',
  pending_approval TEXT, summary TEXT NOT NULL, memory_edited_at TEXT, pressure_warned INTEGER NOT NULL,
  last_stop_reason TEXT, last_run_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX agents_name ON agents(name, created_at);
CREATE INDEX agents_created ON agents(created_at, id);
CREATE TABLE agent_context (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (agent_id, position));

CREATE TABLE blocks (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, label TEXT NOT NULL, value TEXT NOT NULL, description TEXT,
  char_limit INTEGER NOT NULL, read_only INTEGER NOT NULL, metadata TEXT NOT NULL, tags TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX blocks_created ON blocks(created_at, id);
CREATE TABLE agent_blocks (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  block_id TEXT NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, PRIMARY KEY (agent_id, block_id));
CREATE INDEX agent_blocks_block ON agent_blocks(block_id);

CREATE TABLE tools (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, json_schema TEXT NOT NULL,
  source_code TEXT, source_type TEXT, tool_type TEXT NOT NULL, tags TEXT NOT NULL,
  return_char_limit INTEGER NOT NULL, default_requires_approval INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}', sandbox TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX tools_created ON tools(created_at, id);
CREATE TABLE agent_tools (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, PRIMARY KEY (agent_id, tool_id));
CREATE INDEX agent_tools_tool ON agent_tools(tool_id);
CREATE TABLE agent_secrets (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (agent_id, key));

CREATE TABLE mcp_servers (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, command TEXT, args TEXT NOT NULL,
  env TEXT NOT NULL, url TEXT, auth_header TEXT, auth_token TEXT, headers TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX mcp_servers_created ON mcp_servers(created_at, id);

CREATE TABLE messages (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  role TEXT NOT NULL, content TEXT NOT NULL, tool_calls TEXT NOT NULL, tool_call_id TEXT, name TEXT,
  kind TEXT, run_id TEXT, step_id TEXT, created_at TEXT NOT NULL, tsv TSVECTOR NOT NULL,
  dim INTEGER, embedding BYTEA);
CREATE INDEX messages_agent_created ON messages(agent_id, created_at, seq);
CREATE INDEX messages_tsv ON messages USING gin(tsv);

CREATE TABLE sources (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT, instructions TEXT, embedding TEXT,
  metadata TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agent_sources (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, PRIMARY KEY (agent_id, source_id));
CREATE INDEX agent_sources_source ON agent_sources(source_id);
CREATE TABLE files (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  file_name TEXT NOT NULL, file_type TEXT NOT NULL, file_size BIGINT NOT NULL, content_hash TEXT NOT NULL,
  status TEXT NOT NULL, error TEXT, total_chunks INTEGER NOT NULL, text TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (source_id, file_name));
CREATE INDEX files_source_created ON files(source_id, created_at, id);
CREATE TABLE open_files (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  "offset" INTEGER NOT NULL, length INTEGER NOT NULL, opened_at TEXT NOT NULL,
  PRIMARY KEY (agent_id, file_id));

CREATE TABLE passages (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE,
  agent_id TEXT REFERENCES agents(id) ON DELETE CASCADE,
  source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
  file_id TEXT REFERENCES files(id) ON DELETE CASCADE,
  text TEXT NOT NULL, tags TEXT NOT NULL, metadata TEXT NOT NULL, embedding_model TEXT,
  created_at TEXT NOT NULL, tsv TSVECTOR NOT NULL, dim INTEGER, embedding BYTEA);
CREATE INDEX passages_agent ON passages(agent_id, created_at, id);
CREATE INDEX passages_source ON passages(source_id, created_at, id);
CREATE INDEX passages_file ON passages(file_id);
CREATE INDEX passages_tsv ON passages USING gin(tsv);

CREATE TABLE runs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  status TEXT NOT NULL, stop_reason TEXT, created_at TEXT NOT NULL, completed_at TEXT,
  owner_host TEXT, owner_pid INTEGER, owner_token TEXT, chain TEXT, chain_id TEXT);
CREATE INDEX runs_agent ON runs(agent_id, created_at);
CREATE INDEX runs_active ON runs(status) WHERE status IN ('created', 'running');
CREATE INDEX runs_chain ON runs(chain_id, created_at) WHERE chain_id IS NOT NULL;
CREATE TABLE steps (
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  id TEXT PRIMARY KEY, run_id TEXT NOT NULL, agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  step_index INTEGER NOT NULL, model TEXT NOT NULL, usage TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX steps_run ON steps(run_id, step_index);
CREATE INDEX steps_agent ON steps(agent_id);

CREATE TABLE memory_nodes (
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  tier TEXT NOT NULL, id TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (agent_id, tier, id));

CREATE TABLE agent_leases (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  fence BIGINT NOT NULL, holder TEXT NOT NULL,
  owner_host TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_token TEXT NOT NULL,
  expires_at BIGINT NOT NULL);

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

// pgvector when the server has it (in public, which every lmos schema's search_path includes): a `vec`
// column beside the bytea one, written from then on and searched with its cosine operator. Without it
// the savepoint undoes the attempt and vector search scans the bytea column exactly.
const v2: Migration = async (q) => {
  await q.run("SAVEPOINT pgvector");
  try {
    await q.run("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public");
  } catch {
    await q.run("ROLLBACK TO SAVEPOINT pgvector");
    return;
  }
  await q.run("ALTER TABLE messages ADD COLUMN vec vector; ALTER TABLE passages ADD COLUMN vec vector;");
};

// Processes (replicas) by their run-owner token, with when each last said it was alive (the database's
// clock, epoch ms): the run sweep fails the runs of a process that stopped beating, on any machine.
const v3: Migration = (q) =>
  q.run(`
CREATE TABLE processes (
  token TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, seen_at BIGINT NOT NULL);
`);

// Tenancy: API keys (hashed) and the project that owns a resource (none: the default project).
const v4: Migration = (q) => q.run(TENANCY_DDL);

// Lexical search ranked as FTS5 ranks (lexical.ts): each row's tsvector rewritten with FTS5's porter
// unicode61 terms and its number of terms, and the rows and terms each table has indexed in lexical_stats,
// kept by a statement trigger, one row per agent (or source) so that concurrent steps of different agents
// never wait on one counter. Like FTS5's contentless tables, whose averages a delete leaves as they are
// (it cannot know the deleted text's length), the counts only grow: a delete changes the document
// frequencies, not the row and term totals.
const v6: Migration = async (q) => {
  await q.run(`
ALTER TABLE messages ADD COLUMN terms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE passages ADD COLUMN terms INTEGER NOT NULL DEFAULT 0;
CREATE TABLE lexical_stats (
  tbl TEXT NOT NULL, shard TEXT NOT NULL, docs BIGINT NOT NULL, terms BIGINT NOT NULL,
  PRIMARY KEY (tbl, shard));`);
  await rewriteLexical(q, "messages", (r) =>
    searchableText({
      content: JSON.parse(r.content as string),
      toolCalls: JSON.parse(r.tool_calls as string),
    }),
  );
  await rewriteLexical(q, "passages", (r) => r.text as string);
  for (const [table, shard] of [
    ["messages", "agent_id"],
    ["passages", "coalesce(agent_id, source_id, '')"],
  ]) {
    await q.run(`
INSERT INTO lexical_stats (tbl, shard, docs, terms)
  SELECT '${table}', ${shard}, count(*), sum(terms) FROM ${table} GROUP BY 2;
CREATE FUNCTION lexical_stats_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO lexical_stats AS s (tbl, shard, docs, terms)
    SELECT '${table}', c.shard, count(*), sum(c.terms)
    FROM (SELECT ${shard} AS shard, terms FROM added) c GROUP BY c.shard ORDER BY c.shard
  ON CONFLICT (tbl, shard) DO UPDATE SET docs = s.docs + excluded.docs, terms = s.terms + excluded.terms;
  RETURN NULL;
END $$;
CREATE TRIGGER ${table}_lexical_added AFTER INSERT ON ${table} REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION lexical_stats_${table}();`);
  }
};

/** Rewrites every row's tsv and terms from its text, in batches by seq. */
async function rewriteLexical(
  q: Q,
  table: "messages" | "passages",
  text: (row: Record<string, unknown>) => string,
): Promise<void> {
  const columns = table === "messages" ? "seq, content, tool_calls" : "seq, text";
  for (let after = 0; ; ) {
    const rows = await q.all<Record<string, unknown>>(
      `SELECT ${columns} FROM ${table} WHERE seq > ? ORDER BY seq LIMIT 1000`,
      after,
    );
    if (rows.length === 0) return;
    const lex = rows.map((r) => lexicalColumns(text(r)));
    await q.run(
      `UPDATE ${table} t SET tsv = u.tsv::tsvector, terms = u.terms
       FROM unnest(?::bigint[], ?::text[], ?::int[]) u(seq, tsv, terms) WHERE t.seq = u.seq`,
      rows.map((r) => r.seq),
      lex.map((l) => l.tsv),
      lex.map((l) => l.terms),
    );
    after = rows[rows.length - 1].seq as number;
  }
}

/** Every migration by version, in order. Append, never edit; versions may skip numbers (each branch of
 * work has its own), and a database gets every listed version it has not recorded. */
export const migrations: ReadonlyArray<readonly [version: number, up: Migration]> = [
  [1, v1],
  [2, v2],
  [3, v3],
  [4, v4],
  [6, v6],
];

/** Whether this schema stores pgvector columns (v2 found the extension). */
export async function hasPgvector(q: Q, schema: string): Promise<boolean> {
  return !!(await q.get(
    `SELECT 1 FROM information_schema.columns
     WHERE table_schema = ? AND table_name = 'passages' AND column_name = 'vec'`,
    schema,
  ));
}

/** Creates the schema if needed and applies the migrations it lacks; returns how many ran. */
export async function migrate(db: Db, schema: string): Promise<number> {
  const newest = migrations[migrations.length - 1][0];
  let applied = 0;
  for (const [version, up] of migrations) {
    const ran = await db.tx(async (q) => {
      // One migrator per schema at a time; the others wait here, then see its work.
      await q.run("SELECT pg_advisory_xact_lock(hashtext(?))", `lmos-migrate:${schema}`);
      await q.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await q.run(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
      );
      const found =
        (await q.get<{ v: number }>("SELECT coalesce(max(version), 0) AS v FROM schema_migrations"))?.v ?? 0;
      refuseNewerSchema(found, newest);
      if (await q.get("SELECT 1 FROM schema_migrations WHERE version = ?", version)) return false;
      await up(q);
      await q.run(
        "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
        version,
        new Date().toISOString(),
      );
      return true;
    });
    if (ran) applied++;
  }
  return applied;
}
