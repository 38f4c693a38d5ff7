// `npm run bench -- migrate [--messages 100000] [--passages 10000] [--agents 10] [--batch 2000]`: `lmos
// migrate` on a generated installation (messages, a quarter with 16-d embeddings, archival passages with
// embeddings) — SQLite → PostgreSQL and back, rows/s of the copy and the time of the verification — beside
// the same messages copied through the Store API (listMessages pages into commitMessages, which is what a
// migration through the domain layer would do), to show why migrate copies at the SQL level. Uses the
// PostgreSQL at LMOS_TEST_DATABASE_URL (default the local test database) in fresh schemas it drops after.
// Writes bench/results/migrate.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  migrateInstallation,
  type MessageRecord,
  openPostgresStore,
  openSqliteStore,
} from "../src/store/index.ts";
import { dropSchema, freshSchema, TEST_DATABASE_URL } from "../src/store/postgres/test-database.testkit.ts";
import { generateInstallation } from "../test/fixtures/installation.ts";

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** Copies every agent and its messages through the Store API; returns messages copied and seconds. */
async function copyThroughStore(from: string, to: string): Promise<{ rows: number; seconds: number }> {
  const source = await openSqliteStore(from);
  const target = await openPostgresStore(to);
  const t0 = performance.now();
  let rows = 0;
  try {
    for (const agent of await source.listAgents({ limit: 1_000 })) {
      await target.createAgent({ ...agent, inContextMessageIds: [] }, [], []);
      let after: string | undefined;
      for (;;) {
        const page: MessageRecord[] = await source.listMessages(agent.id, {
          limit: 1_000,
          after,
          order: "asc",
        });
        if (!page.length) break;
        await target.commitMessages(agent.id, page, {});
        rows += page.length;
        after = page[page.length - 1].id;
      }
    }
  } finally {
    await source.close();
    await target.close();
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

export default async function run(args: string[]): Promise<void> {
  const messages = arg(args, "messages", 100_000);
  const passages = arg(args, "passages", 10_000);
  const agents = arg(args, "agents", 10);
  const batchSize = arg(args, "batch", 2_000);
  const dir = mkdtempSync(join(tmpdir(), "lmos-migrate-bench-"));
  const schemas = [freshSchema(), freshSchema()];
  const url = (s: string) => `${TEST_DATABASE_URL}?schema=${s}`;
  const load = [loadavg().map((l) => Math.round(l * 100) / 100)];
  try {
    const file = join(dir, "lmos.db");
    const store = await openSqliteStore(file);
    const t = performance.now();
    await generateInstallation(store, { agents, messages, passages });
    await store.close();
    const generateSeconds = (performance.now() - t) / 1000;

    const legs: Record<string, unknown> = {};
    for (const [name, from, to] of [
      ["sqlite_to_postgres", file, url(schemas[0])],
      ["postgres_to_sqlite", url(schemas[0]), join(dir, "back.db")],
    ] as const) {
      const spans = new Map<string, [number, number]>();
      const cpu0 = process.cpuUsage();
      const summary = await migrateInstallation({
        from,
        to,
        batchSize,
        onProgress: ({ table }) => {
          const now = performance.now();
          spans.set(table, [spans.get(table)?.[0] ?? now, now]);
        },
      });
      const cpu = process.cpuUsage(cpu0);
      if (!summary.ok) throw new Error(`${name}: verification failed`);
      const [m0, m1] = spans.get("messages")!;
      legs[name] = {
        rows: summary.rowsCopied,
        copy_seconds: +summary.copySeconds.toFixed(2),
        rows_per_s: Math.round(summary.rowsCopied / summary.copySeconds),
        messages_per_s: Math.round(messages / ((m1 - m0) / 1000)),
        verify_seconds: +summary.verifySeconds.toFixed(2),
        // This process only (copy and verification); PostgreSQL's own work is not in it.
        node_cpu_seconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
      };
      load.push(loadavg().map((l) => Math.round(l * 100) / 100));
    }
    const apiCpu0 = process.cpuUsage();
    const api = await copyThroughStore(file, url(schemas[1]));
    load.push(loadavg().map((l) => Math.round(l * 100) / 100));
    const apiCpu = process.cpuUsage(apiCpu0);
    const storeApi = {
      messages: api.rows,
      seconds: +api.seconds.toFixed(2),
      messages_per_s: Math.round(api.rows / api.seconds),
      node_cpu_seconds: +((apiCpu.user + apiCpu.system) / 1e6).toFixed(2),
    };

    let commit = "unknown";
    try {
      commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    } catch {}
    const result = {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}`,
      load,
      commit,
      installation: { agents, messages, passages, generate_seconds: +generateSeconds.toFixed(1) },
      batch_size: batchSize,
      ...legs,
      store_api_messages_only: storeApi,
    };
    console.log(
      `lmos migrate, ${messages} messages + ${passages} passages in ${agents} agents (batch ${batchSize})`,
    );
    for (const [name, leg] of Object.entries(legs) as Array<[string, Record<string, number>]>) {
      console.log(
        `${name.padEnd(20)} ${String(leg.rows).padStart(8)} rows  ${String(leg.rows_per_s).padStart(7)} rows/s  messages ${String(leg.messages_per_s).padStart(7)}/s  copy ${leg.copy_seconds} s  verify ${leg.verify_seconds} s  node CPU ${leg.node_cpu_seconds} s`,
      );
    }
    console.log(
      `${"store API (messages)".padEnd(20)} ${String(storeApi.messages).padStart(8)} rows  messages ${String(storeApi.messages_per_s).padStart(7)}/s  node CPU ${storeApi.node_cpu_seconds} s  (no embeddings: commitMessages takes none)`,
    );
    console.log(`date ${result.date}, ${result.machine}, load ${JSON.stringify(load)}, commit ${commit}`);
    mkdirSync(new URL("results/", import.meta.url), { recursive: true });
    writeFileSync(new URL("results/migrate.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const s of schemas) await dropSchema(s).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
