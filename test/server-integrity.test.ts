// What a new user hits over REST: duplicate block labels by rename or attach, bad dates and repeated
// query keys, upload names with path separators, unknown model providers, changing an agent's model,
// conversation_search finding the message that asked. Each is a 4xx with a code (never a 500, never an id
// that leads nowhere). Plus a sweep of every documented route with bad query values: no 500 anywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expect422, openServerFixture, readJson, type ServerFixture } from "./server-fixture.ts";
import { sendMessageReply, toolCallReply } from "./scripted-model.ts";

let fx: ServerFixture;
let agentId: string;

beforeAll(async () => {
  fx = await openServerFixture({ env: { LMOS_MODEL: "openai/gpt-4o-mini" } });
  agentId = (await readJson(await fx.call("POST", "/v1/agents/", { name: "newcomer" }))).id;
});
afterAll(async () => {
  await fx.close();
});

async function labels(): Promise<string[]> {
  const blocks = await readJson(await fx.call("GET", `/v1/agents/${agentId}/core-memory/blocks`));
  return blocks.map((b: { label: string }) => b.label).sort();
}

describe("block labels stay unique per agent", () => {
  it("refuses a rename onto an existing label, by label and by block id, and an attach of one", async () => {
    await expect422(
      await fx.call("PATCH", `/v1/agents/${agentId}/core-memory/blocks/human`, { label: "persona" }),
      /already has a block labelled "persona"/,
    );
    const human = await readJson(await fx.call("GET", `/v1/agents/${agentId}/core-memory/blocks/human`));
    await expect422(
      await fx.call("PATCH", `/v1/blocks/${human.id}`, { label: "persona" }),
      /labels are unique/,
    );
    const loose = await readJson(await fx.call("POST", "/v1/blocks/", { label: "persona", value: "other" }));
    await expect422(
      await fx.call("PATCH", `/v1/agents/${agentId}/core-memory/blocks/attach/${loose.id}`),
      /already has a block labelled "persona"/,
    );
    expect(await labels()).toEqual(["human", "persona"]);
    // a rename to a free label still works
    const renamed = await fx.call("PATCH", `/v1/agents/${agentId}/core-memory/blocks/human`, {
      label: "user",
    });
    expect(renamed.status).toBe(200);
    await fx.call("PATCH", `/v1/agents/${agentId}/core-memory/blocks/user`, { label: "human" });
  });
});

describe("validation errors are 422s with a code", () => {
  it("the library's rules hold over HTTP, checked once at the server (the runtime trusts its input)", async () => {
    await expect422(
      await fx.call("POST", "/v1/blocks/", { label: "no spaces here", value: "x" }),
      /^block\.label: use letters, digits, _ \. -$/,
    );
    await expect422(
      await fx.call("PATCH", `/v1/agents/${agentId}`, { model: "no-provider-here" }),
      /^patch\.model: must be a handle like provider\/model/,
    );
    await expect422(
      await fx.call("PATCH", `/v1/agents/${agentId}/core-memory/blocks/human`, { label: "has space" }),
      /^patch\.label: use letters, digits/,
    );
    await expect422(
      await fx.call("POST", `/v1/agents/${agentId}/messages`, {
        messages: [{ role: "user", content: "hi" }],
        max_steps: 5000,
      }),
      /^(body\.max_steps|options\.maxSteps): /,
    );
    expect(await labels()).toEqual(["human", "persona"]);
  });

  it("a bad date in archival search", async () => {
    const res = await fx.call(
      "GET",
      `/v1/agents/${agentId}/archival-memory/search?query=x&start_datetime=yesterday`,
    );
    await expect422(res, /start_datetime "yesterday" is not a date; use YYYY-MM-DD/);
  });

  it("a query key given twice, and a number that is not one", async () => {
    await expect422(
      await fx.call("GET", `/v1/agents/${agentId}/messages?limit=1&limit=2`),
      /query\.limit: given 2 times \(limit=1&limit=2\); it takes one value/,
    );
    await expect422(await fx.call("GET", "/v1/agents/?order=asc&order=desc"), /query\.order: given 2 times/);
    await expect422(await fx.call("GET", "/v1/agents/?limit=many"), /query\.limit: must be a whole number/);
  });

  it("upload names with / or \\ are refused, and nothing is stored", async () => {
    const folder = await readJson(await fx.call("POST", "/v1/folders/", { name: "docs" }));
    for (const name of ["notes/a.txt", "C:\\docs\\a.txt"]) {
      const form = new FormData();
      form.append("file", new Blob(["hello"], { type: "text/plain" }), name);
      const res = await fetch(`${fx.url}/v1/folders/${folder.id}/upload`, { method: "POST", body: form });
      await expect422(res, /contains a path separator; give the bare file name/);
    }
    expect(await readJson(await fx.call("GET", `/v1/folders/${folder.id}/files`))).toEqual([]);
  });

  it("an unknown model provider, at creation and on update", async () => {
    await expect422(
      await fx.call("POST", "/v1/agents/", { name: "x", model: "nosuchprovider/x" }),
      /Unknown model provider "nosuchprovider"/,
    );
    await expect422(
      await fx.call("PATCH", `/v1/agents/${agentId}`, { model: "nosuchprovider/x" }),
      /Unknown model provider/,
    );
  });
});

describe("an agent's model can change", () => {
  it("PATCH model: the next run calls the new model", async () => {
    const res = await fx.call("PATCH", `/v1/agents/${agentId}`, { model: "openai/gpt-4.1-mini" });
    expect(res.status).toBe(200);
    expect((await readJson(res)).model).toBe("openai/gpt-4.1-mini");
    const before = fx.model.chatRequests().length;
    fx.model.push(sendMessageReply("hi"));
    await fx.call("POST", `/v1/agents/${agentId}/messages`, {
      messages: [{ role: "user", content: "hello" }],
    });
    expect(fx.model.chatRequests()[before]?.model).toBe("gpt-4.1-mini");
  });
});

describe("conversation_search", () => {
  it("finds earlier messages, not the one that asked for the search", async () => {
    fx.model.push(sendMessageReply("noted"));
    await fx.call("POST", `/v1/agents/${agentId}/messages`, {
      messages: [{ role: "user", content: "my zebra is called Stripes" }],
    });
    fx.model.push(toolCallReply("conversation_search", { query: "zebra" }), sendMessageReply("found it"));
    const res = await readJson(
      await fx.call("POST", `/v1/agents/${agentId}/messages`, {
        messages: [{ role: "user", content: "what is my zebra called?" }],
      }),
    );
    const ret = res.messages.find((m: any) => m.message_type === "tool_return_message");
    const found = JSON.parse(JSON.parse(ret.tool_return).message);
    const contents = found.results.map((r: { content: string }) => r.content);
    expect(contents).toContain("my zebra is called Stripes");
    expect(contents).not.toContain("what is my zebra called?");
  });
});

describe("sweep: every documented route with bad query values", () => {
  it("answers 4xx, never 500", async () => {
    const doc = await readJson(await fx.call("GET", "/openapi.json"));
    const folder = await readJson(await fx.call("POST", "/v1/folders/", { name: "sweep" }));
    const ids: Record<string, string> = {
      agent_id: agentId,
      block_label: "human",
      folder_id: folder.id,
      source_id: folder.id,
    };
    const bad = ["yesterday", "-1", "NaN", "", "x".repeat(400)];
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const url = path.replace(/\{(\w+)\}/g, (_, k: string) => ids[k] ?? `${k.replace(/_id$/, "")}-missing`);
      for (const [method, op] of Object.entries(ops)) {
        if (method !== "get") continue; // reads only: the sweep must not create or delete
        const params = (op.parameters ?? []).filter((p: any) => p.in === "query");
        // required parameters get a plain value, so that the bad one is what the route checks
        const base = params.filter((p: any) => p.required).map((p: any) => `${p.name}=x`);
        for (const name of params.map((p: any) => p.name as string)) {
          for (const value of [...bad, "twice"]) {
            const one = value === "twice" ? `${name}=1&${name}=2` : `${name}=${encodeURIComponent(value)}`;
            const qs = [...base.filter((b: string) => !b.startsWith(`${name}=`)), one].join("&");
            const res = await fx.call("GET", `${url}?${qs}`);
            if (res.status >= 500) failures.push(`GET ${url}?${qs} → ${res.status} ${await res.text()}`);
            else await res.body?.cancel();
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
