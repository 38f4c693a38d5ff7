// A custom tool's grants resolved against the server's settings: the directory a tool is granted must be
// inside one of the directories the operator allows (LMOS_TOOL_FS_ROOTS, by default <LMOS_HOME>/tool-files),
// so an API user cannot grant a tool the server's whole disk; symlinks are resolved before the check.
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { LmosError } from "../errors.ts";
import type { FileGrant } from "./sandbox/types.ts";

/** A directory grant as a tool or the environment states it. */
export interface FileGrantSetting {
  /** A host directory: absolute, or relative to the first allowed root. */
  path: string;
  mode: "ro" | "rw";
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The host directory of `setting`, checked to be an existing directory inside one of `roots`. */
export function resolveFileGrant(setting: FileGrantSetting, roots: string[]): FileGrant {
  if (roots.length === 0) {
    throw new LmosError(
      "invalid_argument",
      "sandbox.filesystem: no directory may be granted (LMOS_TOOL_FS_ROOTS is empty)",
    );
  }
  const wanted = isAbsolute(setting.path) ? setting.path : join(roots[0] as string, setting.path);
  let real: string;
  try {
    real = realpathSync(wanted);
  } catch {
    throw new LmosError("invalid_argument", `sandbox.filesystem.path: ${wanted} does not exist`);
  }
  if (!statSync(real).isDirectory()) {
    throw new LmosError("invalid_argument", `sandbox.filesystem.path: ${wanted} is not a directory`);
  }
  const allowed = roots.some((r) => {
    try {
      return inside(realpathSync(r), real);
    } catch {
      return inside(resolve(r), real);
    }
  });
  if (!allowed) {
    throw new LmosError(
      "invalid_argument",
      `sandbox.filesystem.path: ${wanted} is outside the directories tools may be granted (${roots.join(", ")}; set LMOS_TOOL_FS_ROOTS)`,
    );
  }
  return { hostPath: real, mode: setting.mode };
}
