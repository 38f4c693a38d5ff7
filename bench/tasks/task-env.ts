// Where a task runner's model comes from: `--scripted` starts the scripted OpenAI-compatible server
// (test/scripted-model.ts) playing a policy; otherwise the user's configuration (OPENAI_BASE_URL,
// OPENAI_API_KEY, LMOS_MODEL or --model) reaches a real model. Each run gets a fresh LMOS_HOME.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLmos } from "../../src/index.ts";
import type { Lmos } from "../../src/runtime/types.ts";
import { type ScriptedModel, startScriptedModel } from "../../test/scripted-model.ts";
import type { RecordedRequest, ScriptedReplyObject } from "../../test/scripted-model.ts";

export interface TaskArgs {
  scripted: boolean;
  model: string | null;
  flags: Map<string, string>;
}

/** Parses `--name value` and `--flag` arguments. */
export function parseTaskArgs(args: string[]): TaskArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) continue;
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      flags.set(a.slice(2), next);
      i++;
    } else flags.set(a.slice(2), "true");
  }
  return { scripted: flags.has("scripted"), model: flags.get("model") ?? null, flags };
}

/** "0-3,7" → [0, 1, 2, 3, 7]. */
export function parseRange(spec: string): number[] {
  return spec.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    if (b === undefined) return [a];
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** Opens lmos on a fresh home, with the scripted model when asked; closes everything after `fn`. */
export async function withTaskLmos<T>(
  args: TaskArgs,
  policy: (req: RecordedRequest) => ScriptedReplyObject,
  fn: (lmos: Lmos, model: string, scripted: ScriptedModel | null) => Promise<T>,
): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), "lmos-task-"));
  const scripted = args.scripted ? await startScriptedModel({ fallback: policy }) : null;
  const env: Record<string, string | undefined> = scripted
    ? { OPENAI_BASE_URL: scripted.url, OPENAI_API_KEY: "scripted", LMOS_MODEL: "openai/scripted" }
    : { ...process.env };
  const model = args.model ?? env.LMOS_MODEL;
  if (!model)
    throw new Error(
      "no model: set LMOS_MODEL (and OPENAI_BASE_URL/OPENAI_API_KEY), pass --model, or use --scripted",
    );
  const lmos = await openLmos({ home, env, model, embedding: "none" });
  try {
    return await fn(lmos, model, scripted);
  } finally {
    await lmos.close();
    await scripted?.close();
    rmSync(home, { recursive: true, force: true });
  }
}
