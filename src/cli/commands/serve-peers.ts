// The servers of one data dir: each `lmos serve` leaves servers/<pid>.json (its pid and URL) in the home
// while it runs, so that the next one on the same home can say in one line who else serves it. Two servers
// on one home are safe (each agent's runs are serialised through the database, kernel/lease.ts); the line
// is there so that nobody runs two by mistake without a word.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A server that serves the same home. */
export interface ServePeer {
  pid: number;
  url: string;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by another user
  }
}

/** The other live servers on `home` (files of servers that are gone are removed). */
export function servePeers(home: string): ServePeer[] {
  const dir = join(home, "servers");
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const peers: ServePeer[] = [];
  for (const name of names) {
    const pid = Number(name.slice(0, -".json".length));
    if (pid === process.pid) continue;
    if (!alive(pid)) {
      rmSync(join(dir, name), { force: true });
      continue;
    }
    try {
      const { url } = JSON.parse(readFileSync(join(dir, name), "utf8")) as { url?: unknown };
      peers.push({ pid, url: typeof url === "string" ? url : "?" });
    } catch {
      peers.push({ pid, url: "?" }); // being written, or damaged: the pid is still worth naming
    }
  }
  return peers;
}

/** The one line that names the other servers on this home, or null when there are none. */
export function peersLine(home: string, peers: ServePeer[]): string | null {
  if (!peers.length) return null;
  const who = peers.map((p) => `pid ${p.pid}, ${p.url}`).join("; ");
  const them = peers.length === 1 ? "another lmos server" : `${peers.length} other lmos servers`;
  return `note: ${them} (${who}) already serves ${home}; both answer safely (each agent's runs take turns through the database) — stop one if you did not mean to run two`;
}

/** Records this server on `home`; the returned function removes the record (call it on shutdown). */
export function announceServer(home: string, url: string): () => void {
  const dir = join(home, "servers");
  const file = join(dir, `${process.pid}.json`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() }));
  } catch {
    return () => {}; // a read-only home: serving still works, only the notice to a second server is lost
  }
  const remove = () => rmSync(file, { force: true });
  process.once("exit", remove);
  return () => {
    process.off("exit", remove);
    remove();
  };
}
