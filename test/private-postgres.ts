// A PostgreSQL a test may stop and start: a private PostgreSQL 15 cluster (initdb in a temp dir, a free
// port, run as the postgres user when we are root, since postgres refuses to run as root), never the shared
// server other tests use. Where no private cluster can start (no server binaries), a TCP proxy in front of
// the shared server stands in: its stop drops every connection and refuses new ones until its start.
// LMOS_TEST_PG_BIN names another directory of server binaries (default Debian's PostgreSQL 15); pointing it
// at one that does not exist tries the proxy.
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_DATABASE_URL } from "../src/store/postgres/test-database.testkit.ts";

const BIN = process.env.LMOS_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface StoppablePostgres {
  /** "private cluster" or "proxy to the shared server". */
  kind: string;
  /** postgres:// URL of a database lmos may use (add ?schema=). */
  url: string;
  /** Stops the server (fast shutdown: every session ends now); resolves once it is down. */
  stop(): Promise<void>;
  /** Starts it again; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes what it made. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a server binary as the postgres user (asynchronously: the scripted model in this process keeps
 * answering meanwhile). */
function asPostgres(args: string[]): Promise<{ status: number | null; output: string }> {
  const root = process.getuid?.() === 0;
  const [cmd, ...rest] = root ? ["runuser", "-u", "postgres", "--", ...args] : args;
  return new Promise((resolve) => {
    const child = spawn(cmd!, rest, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += String(d)));
    child.stderr.on("data", (d) => (output += String(d)));
    child.on("error", (e) => resolve({ status: null, output: output + String(e) }));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** A started private cluster, or null when none can start here. */
async function privateCluster(): Promise<StoppablePostgres | null> {
  if (!existsSync(join(BIN, "initdb"))) return null;
  const dir = mkdtempSync(join(tmpdir(), "lmos-private-pg-"));
  try {
    if (process.getuid?.() === 0) chownSync(dir, Number(spawnSync("id", ["-u", "postgres"]).stdout), 0);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const data = join(dir, "data");
  const init = await asPostgres([
    join(BIN, "initdb"),
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
    "--no-sync",
  ]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const port = await freePort();
  const pgCtl = (...args: string[]) => asPostgres([join(BIN, "pg_ctl"), "-D", data, ...args]);
  const start = async () => {
    const r = await pgCtl(
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "-l",
      join(dir, "log"),
      "-w",
      "-t",
      "60",
      "start",
    );
    if (r.status !== 0) throw new Error(`private PostgreSQL did not start: ${r.output}`);
  };
  const destroy = async () => {
    await pgCtl("-m", "immediate", "-w", "stop");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch {
    await destroy();
    return null;
  }
  return {
    kind: "private cluster",
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      const r = await pgCtl("-m", "fast", "-w", "-t", "60", "stop");
      if (r.status !== 0) throw new Error(`private PostgreSQL did not stop: ${r.output}`);
    },
    start,
    destroy,
  };
}

/** A TCP proxy to the shared test server whose stop drops and refuses every connection. */
async function proxy(): Promise<StoppablePostgres> {
  const target = new URL(TEST_DATABASE_URL);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const port = await freePort();
  const start = async () => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    const s = server;
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
  };
  const stop = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise((resolve) => s.close(resolve));
  };
  await start();
  const url = new URL(TEST_DATABASE_URL);
  url.host = `127.0.0.1:${port}`;
  return { kind: "proxy to the shared server", url: url.toString(), stop, start, destroy: stop };
}

/** A PostgreSQL this test may stop: a private cluster when one can start here, else the proxy. */
export async function stoppablePostgres(): Promise<StoppablePostgres> {
  return (await privateCluster()) ?? proxy();
}
