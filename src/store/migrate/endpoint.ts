// The two ends named on the command line: a SQLite file (or an LMOS_HOME folder holding lmos.db), or a
// postgres:// URL with an optional ?schema=.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { LmosError } from "../../errors.ts";

export type Endpoint = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/** Parses one end; `flag` names it in errors (invalid_argument for a malformed value). */
export function parseEndpoint(text: string, flag: string): Endpoint {
  const value = text.trim();
  if (!value)
    throw new LmosError("invalid_argument", `${flag} is empty: give a SQLite file or a postgres:// URL`);
  if (/^postgres(ql)?:/i.test(value)) {
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {}
    if (!url?.hostname || !/^postgres(ql)?:$/i.test(url.protocol)) {
      throw new LmosError(
        "invalid_argument",
        `${flag} "${value}" is not a postgres:// URL (postgres://user@host:5432/db[?schema=name])`,
      );
    }
    return { kind: "postgres", url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new LmosError(
      "invalid_argument",
      `${flag} "${value}": lmos migrates between SQLite files and postgres:// URLs only`,
    );
  }
  const path = resolve(value);
  // An LMOS_HOME folder stands for the database in it.
  if (existsSync(path) && statSync(path).isDirectory())
    return { kind: "sqlite", path: join(path, "lmos.db") };
  return { kind: "sqlite", path };
}

/** Whether two ends are certainly the same place (same file, or same URL). */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  if (a.kind === "sqlite" && b.kind === "sqlite") return a.path === b.path;
  if (a.kind === "postgres" && b.kind === "postgres") return a.url === b.url;
  return false;
}
