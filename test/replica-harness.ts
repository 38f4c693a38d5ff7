// What the replica fault tests share: a `lmos serve` replica that looks like another machine (its own pid
// namespace, so the survivors cannot probe its pid and must go by its lease and heartbeat, as across
// hosts), a scripted model whose agents edit core memory then answer, a load generator sending through
// the replicas until told to stop, and the check that the stored state is whole.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Store } from "../src/store/types.ts";
import { startLmosServe } from "./cli-harness.ts";
import type { RecordedRequest, ScriptedReplyObject } from "./scripted-model.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";
import { eventually } from "./server-fixture.ts";

const BIN = fileURLToPath(new URL("../bin/lmos.js", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Replica {
  url: string;
  /** The pid of the node process serving (not of a wrapper). */
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Whether this machine lets us start a process in a pid namespace of its own (root, util-linux). */
export function canUnsharePid(): boolean {
  return spawnSync("unshare", ["--pid", "--fork", "true"], { stdio: "ignore" }).status === 0;
}

/** The pid of `wrapper`'s only child (unshare --fork's), read from /proc. */
async function childPid(wrapper: number): Promise<number> {
  return eventually(async () => {
    try {
      const text = readFileSync(`/proc/${wrapper}/task/${wrapper}/children`, "utf8").trim();
      return text ? Number(text.split(/\s+/)[0]) : null;
    } catch {
      return null;
    }
  }, 30_000);
}

/** Starts `lmos serve --port 0`; with `otherMachine`, in a pid namespace of its own. */
export async function startReplica(env: Record<string, string>, otherMachine: boolean): Promise<Replica> {
  if (!otherMachine) {
    const r = await startLmosServe(env);
    return { ...r, pid: r.child.pid! };
  }
  const child = spawn("unshare", ["--pid", "--fork", process.execPath, BIN, "serve", "--port", "0"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString("utf8");
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    exited.then((code) => reject(new Error(`lmos serve exited with ${code}: ${out}`)));
  });
  return { url, pid: await childPid(child.pid!), child, exited, output: () => out };
}

/** Stops a replica however it is still running (SIGKILL to its node process) and waits for its exit. */
export async function stopReplica(r: Replica | undefined): Promise<void> {
  if (!r) return;
  try {
    process.kill(r.pid, "SIGKILL");
  } catch {
    // already gone
  }
  await r.exited;
}

/** POSTs JSON; resolves with the status and the parsed body (never throws on an HTTP error status). */
export async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion message
  }
  return { status: res.status, body: parsed };
}

/** Creates `n` agents through `url`; their ids. */
export async function createAgents(url: string, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await post(url, "/v1/agents", { name: `${prefix}-${i}` });
    if (res.status !== 200) throw new Error(`create agent: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id);
  }
  return ids;
}

/** The marker a step appends to the human block for the user message `tag`. */
export const markOf = (tag: string) => `mark ${tag}`;

/** Each user message is a two-step run: core_memory_append of its mark (asking for another step), then
 * send_message. A message starting with "hold" waits for the model's answer ten minutes (a run certainly
 * in flight). */
export function editThenAnswer(req: RecordedRequest): ScriptedReplyObject {
  const tag = req.lastUserText;
  // the kernel's heartbeat after the append comes as a user message of type "heartbeat"
  if (req.messages.at(-1)?.role === "tool" || tag.includes('"type":"heartbeat"')) {
    return sendMessageReply("noted");
  }
  if (tag.startsWith("hold")) return { ...sendMessageReply("never"), delayMs: 600_000 };
  return toolCallReply("core_memory_append", {
    label: "human",
    content: markOf(tag),
    request_heartbeat: true,
  });
}

/** One reply the load generator got. */
export interface Outcome {
  replica: string;
  agentId: string;
  tag: string;
  status: number | "no answer";
  body: unknown;
}

/** Clients sending one message after another to agents through replicas until `stop()`. */
export class Load {
  readonly outcomes: Outcome[] = [];
  private stopped = false;
  private readonly clients: Promise<void>[] = [];

  /** Starts one client per (replica, agent); a client stops at its replica's first "no answer" when
   * `untilGone`, since that replica died. */
  start(replicas: Record<string, string>, agentIds: string[], untilGone = false): void {
    for (const [name, url] of Object.entries(replicas)) {
      agentIds.forEach((agentId, i) => {
        this.clients.push(this.client(name, url, agentId, `${name}${i}`, untilGone));
      });
    }
  }

  private async client(replica: string, url: string, agentId: string, prefix: string, untilGone: boolean) {
    for (let k = 0; !this.stopped; k++) {
      const tag = `${prefix}-${k}`;
      try {
        const res = await post(url, `/v1/agents/${agentId}/messages`, {
          messages: [{ role: "user", content: tag }],
        });
        this.outcomes.push({ replica, agentId, tag, status: res.status, body: res.body });
        // a refused send is not a reason to hammer: the next one after a short pause
        if (res.status !== 200) await new Promise((r) => setTimeout(r, 100));
      } catch (e) {
        this.outcomes.push({ replica, agentId, tag, status: "no answer", body: String(e) });
        if (untilGone) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Sends acknowledged (200 with end_turn) so far, optionally of one replica. */
  acknowledged(replica?: string): Outcome[] {
    return this.outcomes.filter(
      (o) =>
        (replica === undefined || o.replica === replica) &&
        o.status === 200 &&
        (o.body as { stop_reason?: { stop_reason?: string } }).stop_reason?.stop_reason === "end_turn",
    );
  }

  /** What the outcomes from index `from` were, counted by replica, status and message (for failures). */
  summary(from = 0): string {
    const counts = new Map<string, number>();
    for (const o of this.outcomes.slice(from)) {
      const b = o.body as { message?: string } | string;
      const what = typeof b === "string" ? b.slice(0, 200) : (b?.message ?? "").slice(0, 200);
      const key = `${o.replica} ${o.status} ${o.status === 200 ? "" : what}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => `${n}× ${k}`).join("\n");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.clients);
  }
}

const textOf = (m: { content: Array<{ type: string; text?: string }> }) =>
  m.content.map((c) => c.text ?? "").join("");

/** The stored state is whole: every acknowledged message once; the window only stored messages; no run
 * left created or running; every mark in the human block there because a stored step's tool call put it
 * there (and every acknowledged send's mark is there); every step's messages point at stored steps. */
export async function expectWhole(store: Store, agentIds: string[], acknowledged: Outcome[]): Promise<void> {
  for (const agentId of agentIds) {
    const messages = await store.listMessages(agentId, { limit: 100_000 });
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    const users = messages.filter((m) => m.role === "user").map(textOf);
    for (const a of acknowledged.filter((o) => o.agentId === agentId)) {
      expect(
        users.filter((t) => t === a.tag),
        `acknowledged "${a.tag}" stored once`,
      ).toHaveLength(1);
    }
    const agent = (await store.getAgent(agentId))!;
    const stored = new Set(messages.map((m) => m.id));
    expect(agent.inContextMessageIds.filter((id) => !stored.has(id))).toEqual([]);

    const runs = await store.listRuns({ agentIds: [agentId], limit: 100_000 });
    expect(runs.filter((r) => r.status === "created" || r.status === "running")).toEqual([]);
    const steps = new Map<string, Set<string>>();
    for (const r of runs) steps.set(r.id, new Set((await store.listSteps(r.id)).map((s) => s.id)));
    for (const m of messages) {
      if (m.stepId === null) continue;
      expect(steps.get(m.runId ?? "")?.has(m.stepId), `message ${m.id} of a stored step`).toBe(true);
    }
    const appended = messages.flatMap((m) =>
      m.toolCalls
        .filter((c) => c.name === "core_memory_append")
        .map((c) => (JSON.parse(c.arguments) as { content: string }).content),
    );
    const human = (await store.agentBlocks(agentId)).find((b) => b.label === "human")?.value ?? "";
    const marks = human.split("\n").filter((line) => line.startsWith("mark "));
    expect([...marks].sort()).toEqual([...appended].sort());
    for (const a of acknowledged.filter((o) => o.agentId === agentId)) expect(marks).toContain(markOf(a.tag));
  }
}
