// Shared setup of the core scenario tests: a scripted model over real HTTP, a temp LMOS_HOME with a real
// SQLite file, and lmos opened on both through the production OpenAI-compatible driver.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLmos } from "../src/index.ts";
import type { AgentEvent, Lmos, MessageRecord } from "../src/index.ts";
import type { Sandbox } from "../src/tools/index.ts";
import { type ScriptedModelOptions, type ScriptedModel, startScriptedModel } from "./scripted-model.ts";

export interface CoreFixture {
  model: ScriptedModel;
  os: Lmos;
  home: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the scripted model and opens lmos against it in a fresh temp home. */
export async function openFixture(
  options: ScriptedModelOptions & { env?: Record<string, string>; sandbox?: Sandbox } = {},
): Promise<CoreFixture> {
  const model = await startScriptedModel(options);
  const home = mkdtempSync(join(tmpdir(), "lmos-core-"));
  const env: Record<string, string> = {
    OPENAI_BASE_URL: model.url,
    OPENAI_API_KEY: "test",
    LMOS_MAX_RETRIES: "0",
    ...options.env,
  };
  const os = await openLmos({ home, env, sandbox: options.sandbox });
  return {
    model,
    os,
    home,
    env,
    async close() {
      await os.close();
      await model.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Text of a stored message. */
export function textOf(m: MessageRecord): string {
  return m.content
    .filter((p) => p.type === "text")
    .map((p) => (p as { text: string }).text)
    .join("");
}

/** The event types of a run, with messages shown as message:<role>[/<kind>]. */
export function eventTrace(events: AgentEvent[]): string[] {
  return events.map((e) =>
    e.type === "message" ? `message:${e.message.role}${e.message.kind ? `/${e.message.kind}` : ""}` : e.type,
  );
}

/** Parses Letta's tool-result JSON ({status, message, time}). */
export function toolResult(m: MessageRecord): { status: string; message: string } {
  return JSON.parse(textOf(m)) as { status: string; message: string };
}
