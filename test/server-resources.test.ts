// Agents, blocks, archival passages, tools and folders over HTTP in Letta's shapes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerFixture, type ServerFixture } from "./server-fixture.ts";

let fx: ServerFixture;
beforeAll(async () => {
  fx = await openServerFixture();
});
afterAll(async () => {
  await fx.close();
});

async function ok(res: Promise<Response>): Promise<any> {
  const r = await res;
  const text = await r.text();
  expect(r.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : null;
}

describe("agents", () => {
  it("creates with blocks, model and tags, and shows AgentState", async () => {
    const agent = await ok(
      fx.call("POST", "/v1/agents/", {
        name: "state",
        model: "openai/gpt-4o-mini",
        tags: ["a", "b"],
        memory_blocks: [
          { label: "persona", value: "I am terse.", limit: 5000 },
          { label: "human", value: "Ada." },
        ],
      }),
    );
    expect(agent.id).toMatch(/^agent-/);
    expect(agent.llm_config).toMatchObject({ model: "gpt-4o-mini", model_endpoint_type: "openai" });
    expect(agent.memory.blocks.map((b: { label: string }) => b.label).sort()).toEqual(["human", "persona"]);
    expect(agent.blocks.find((b: { label: string }) => b.label === "persona")).toMatchObject({
      value: "I am terse.",
      limit: 5000,
    });
    expect(agent.tools.length).toBeGreaterThan(0);
    expect(agent.tags).toEqual(["a", "b"]);
    const patched = await ok(fx.call("PATCH", `/v1/agents/${agent.id}`, { description: "d", tags: ["c"] }));
    expect(patched).toMatchObject({ description: "d", tags: ["c"] });
    expect(await ok(fx.call("GET", `/v1/agents/${agent.id}`))).toMatchObject({
      id: agent.id,
      description: "d",
    });
  });

  it("filters by name, tags and query text, and pages with cursors to an empty page", async () => {
    for (let i = 0; i < 5; i++)
      await ok(fx.call("POST", "/v1/agents/", { name: `pager-${i}`, tags: i % 2 ? ["odd"] : ["even"] }));
    expect(
      (await ok(fx.call("GET", "/v1/agents/?name=pager-3"))).map((a: { name: string }) => a.name),
    ).toEqual(["pager-3"]);
    const odd = await ok(fx.call("GET", "/v1/agents/?tags=odd"));
    expect(odd.map((a: { name: string }) => a.name).sort()).toEqual(["pager-1", "pager-3"]);
    const both = await ok(fx.call("GET", "/v1/agents/?tags=odd&tags=even&match_all_tags=true"));
    expect(both).toEqual([]);
    const text = await ok(fx.call("GET", "/v1/agents/?query_text=pager&limit=2&order=asc"));
    expect(text.map((a: { name: string }) => a.name)).toEqual(["pager-0", "pager-1"]);
    const next = await ok(
      fx.call("GET", `/v1/agents/?query_text=pager&limit=2&order=asc&after=${text[1].id}`),
    );
    expect(next.map((a: { name: string }) => a.name)).toEqual(["pager-2", "pager-3"]);

    const names: string[] = [];
    let after = "";
    for (let round = 0; round < 20; round++) {
      const page = await ok(fx.call("GET", `/v1/agents/?limit=2${after ? `&after=${after}` : ""}`));
      if (!page.length) break;
      names.push(...page.map((a: { name: string }) => a.name));
      after = page.at(-1).id;
    }
    expect(names.filter((n) => n.startsWith("pager-"))).toEqual([
      "pager-4",
      "pager-3",
      "pager-2",
      "pager-1",
      "pager-0",
    ]);
  });

  it("shows what fills the context window", async () => {
    const agent = await ok(fx.call("POST", "/v1/agents/", { name: "ctx" }));
    const ctx = await ok(fx.call("GET", `/v1/agents/${agent.id}/context`));
    expect(ctx.context_window_size_max).toBeGreaterThan(0);
    expect(ctx.context_window_size_current).toBeGreaterThan(0);
    expect(ctx.num_tokens_system + ctx.num_tokens_functions_definitions).toBeGreaterThan(0);
    expect(ctx.system_prompt).toContain("<persona>");
    expect(ctx.num_tokens_files).toBe(0);
    // The pressure thresholds: the warning (75% by default) comes before eviction, both within the window.
    expect(ctx.num_tokens_warn_threshold).toBe(Math.floor(0.75 * ctx.context_window_size_max));
    expect(ctx.num_tokens_evict_threshold).toBeGreaterThan(ctx.num_tokens_warn_threshold);
    expect(ctx.num_tokens_evict_threshold).toBeLessThan(ctx.context_window_size_max);
  });

  it("deletes, then 404s", async () => {
    const agent = await ok(fx.call("POST", "/v1/agents/", { name: "doomed" }));
    expect(await ok(fx.call("DELETE", `/v1/agents/${agent.id}`))).toMatchObject({
      message: expect.stringContaining(agent.id),
    });
    expect((await fx.call("GET", `/v1/agents/${agent.id}`)).status).toBe(404);
  });
});

describe("blocks", () => {
  it("modifies an agent's block by label and shares a standalone block between agents", async () => {
    const a = await ok(fx.call("POST", "/v1/agents/", { name: "blocks-a" }));
    const b = await ok(fx.call("POST", "/v1/agents/", { name: "blocks-b" }));
    const human = await ok(
      fx.call("PATCH", `/v1/agents/${a.id}/core-memory/blocks/human`, { value: "Grace." }),
    );
    expect(human).toMatchObject({ label: "human", value: "Grace." });
    expect(await ok(fx.call("GET", `/v1/agents/${a.id}/core-memory/blocks/human`))).toMatchObject({
      value: "Grace.",
    });
    expect((await fx.call("GET", `/v1/agents/${a.id}/core-memory/blocks/nope`)).status).toBe(404);

    const shared = await ok(fx.call("POST", "/v1/blocks/", { label: "team", value: "Project X" }));
    for (const agent of [a, b]) {
      const state = await ok(
        fx.call("PATCH", `/v1/agents/${agent.id}/core-memory/blocks/attach/${shared.id}`),
      );
      expect(state.blocks.map((x: { id: string }) => x.id)).toContain(shared.id);
    }
    expect(
      (await ok(fx.call("GET", `/v1/blocks/${shared.id}/agents`))).map((x: { id: string }) => x.id).sort(),
    ).toEqual([a.id, b.id].sort());
    await ok(fx.call("PATCH", `/v1/blocks/${shared.id}`, { value: "Project Y" }));
    expect(await ok(fx.call("GET", `/v1/agents/${b.id}/core-memory/blocks/team`))).toMatchObject({
      value: "Project Y",
    });
    expect((await ok(fx.call("GET", "/v1/blocks/?label=team"))).map((x: { id: string }) => x.id)).toEqual([
      shared.id,
    ]);
    const detached = await ok(fx.call("PATCH", `/v1/agents/${b.id}/core-memory/blocks/detach/${shared.id}`));
    expect(detached.blocks.map((x: { id: string }) => x.id)).not.toContain(shared.id);
    await ok(fx.call("DELETE", `/v1/blocks/${shared.id}`));
    expect((await fx.call("GET", `/v1/blocks/${shared.id}`)).status).toBe(404);
  });
});

describe("archival memory", () => {
  it("inserts, lists, searches and deletes passages", async () => {
    const a = await ok(fx.call("POST", "/v1/agents/", { name: "archivist" }));
    const path = `/v1/agents/${a.id}/archival-memory`;
    const inserted = await ok(fx.call("POST", path, { text: "Favourite colour: teal", tags: ["prefs"] }));
    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toMatchObject({ text: "Favourite colour: teal", tags: ["prefs"] });
    await ok(fx.call("POST", path, { text: "The cat is called Miso" }));
    expect((await ok(fx.call("GET", path))).map((p: { text: string }) => p.text)).toEqual([
      "Favourite colour: teal",
      "The cat is called Miso",
    ]);
    expect(
      (await ok(fx.call("GET", `${path}?ascending=false&limit=1`))).map((p: { text: string }) => p.text),
    ).toEqual(["The cat is called Miso"]);
    const found = await ok(fx.call("GET", `${path}/search?query=colour&top_k=3`));
    expect(found.count).toBeGreaterThan(0);
    expect(found.results[0]).toMatchObject({
      id: inserted[0].id,
      content: "Favourite colour: teal",
      tags: ["prefs"],
    });
    await ok(fx.call("DELETE", `${path}/${inserted[0].id}`));
    expect((await ok(fx.call("GET", path))).map((p: { text: string }) => p.text)).toEqual([
      "The cat is called Miso",
    ]);
    expect((await fx.call("DELETE", `${path}/${inserted[0].id}`)).status).toBe(404);
    expect((await fx.call("GET", `${path}/search`)).status).toBe(422);
  });
  it("keeps Letta's created_at of a passage and refuses one that is not a date", async () => {
    const a = await ok(fx.call("POST", "/v1/agents/", { name: "dated-archivist" }));
    const path = `/v1/agents/${a.id}/archival-memory`;
    const [p] = await ok(
      fx.call("POST", path, { text: "We moved to Porto", created_at: "2022-09-01T08:00:00Z" }),
    );
    expect(p.created_at).toMatch(/^2022-09-01T08:00:00/);
    const bad = await fx.call("POST", path, { text: "x", created_at: "soon" });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(await ok(fx.call("GET", path))).toHaveLength(1);
  });
});

describe("tools", () => {
  const source =
    'def roll_die(sides: int) -> int:\n    """Roll a die.\n\n    Args:\n        sides: number of sides\n    """\n    return 4\n';

  it("creates from source, upserts, lists, attaches, detaches and deletes", async () => {
    const tool = await ok(fx.call("POST", "/v1/tools/", { source_code: source }));
    expect(tool).toMatchObject({ name: "roll_die", tool_type: "custom" });
    expect(tool.json_schema.parameters.properties.sides).toBeDefined();
    const again = await ok(fx.call("PUT", "/v1/tools/", { source_code: source, description: "Roll it." }));
    expect(again).toMatchObject({ id: tool.id, description: "Roll it." });
    expect((await ok(fx.call("GET", "/v1/tools/?name=roll_die"))).map((t: { id: string }) => t.id)).toEqual([
      tool.id,
    ]);
    expect(await ok(fx.call("PATCH", `/v1/tools/${tool.id}`, { tags: ["dice"] }))).toMatchObject({
      tags: ["dice"],
    });

    const a = await ok(fx.call("POST", "/v1/agents/", { name: "gamer" }));
    const attached = await ok(fx.call("PATCH", `/v1/agents/${a.id}/tools/attach/${tool.id}`));
    expect(attached.tools.map((t: { name: string }) => t.name)).toContain("roll_die");
    expect(
      (await ok(fx.call("GET", `/v1/agents/${a.id}/tools`))).map((t: { name: string }) => t.name),
    ).toContain("roll_die");
    const detached = await ok(fx.call("PATCH", `/v1/agents/${a.id}/tools/detach/${tool.id}`));
    expect(detached.tools.map((t: { name: string }) => t.name)).not.toContain("roll_die");
    await ok(fx.call("DELETE", `/v1/tools/${tool.id}`));
    expect((await fx.call("GET", `/v1/tools/${tool.id}`)).status).toBe(404);
  });

  it("refuses to delete a built-in tool with a permanent 409", async () => {
    const [builtin] = await ok(fx.call("GET", "/v1/tools/?name=send_message"));
    const res = await fx.call("DELETE", `/v1/tools/${builtin.id}`);
    expect(res.status).toBe(409);
    expect(res.headers.get("x-should-retry")).toBe("false");
  });
});

describe("folders", () => {
  it("creates a folder, uploads a file, lists and deletes it, attaches to an agent", async () => {
    const folder = await ok(fx.call("POST", "/v1/folders/", { name: "docs" }));
    expect(folder.id).toMatch(/^source-/);
    const form = new FormData();
    form.append(
      "file",
      new Blob(["# Notes\n\nThe launch code is 1234.\n"], { type: "text/markdown" }),
      "notes.md",
    );
    const up = await fetch(`${fx.url}/v1/folders/${folder.id}/upload`, { method: "POST", body: form });
    const file: any = await up.json();
    expect(up.status, JSON.stringify(file)).toBe(200);
    expect(file).toMatchObject({
      source_id: folder.id,
      file_name: "notes.md",
      processing_status: "completed",
    });
    expect(
      (await ok(fx.call("GET", `/v1/folders/${folder.id}/files`))).map((f: { id: string }) => f.id),
    ).toEqual([file.id]);
    const full = await ok(fx.call("GET", `/v1/folders/${folder.id}/files/${file.id}?include_content=true`));
    expect(full.content).toContain("launch code");

    const a = await ok(fx.call("POST", "/v1/agents/", { name: "reader" }));
    const state = await ok(fx.call("PATCH", `/v1/agents/${a.id}/folders/attach/${folder.id}`));
    expect(state.sources.map((s: { id: string }) => s.id)).toEqual([folder.id]);
    expect(await ok(fx.call("GET", `/v1/folders/${folder.id}/agents`))).toEqual([a.id]);
    expect((await ok(fx.call("GET", `/v1/agents/${a.id}/folders`))).map((s: { id: string }) => s.id)).toEqual(
      [folder.id],
    );
    await ok(fx.call("PATCH", `/v1/agents/${a.id}/folders/detach/${folder.id}`));

    expect((await fx.call("DELETE", `/v1/folders/${folder.id}/${file.id}`)).status).toBe(204);
    expect(await ok(fx.call("GET", `/v1/folders/${folder.id}/files`))).toEqual([]);
    expect(await ok(fx.call("PATCH", `/v1/folders/${folder.id}`, { description: "d" }))).toMatchObject({
      description: "d",
    });
    await ok(fx.call("DELETE", `/v1/folders/${folder.id}`));
    expect((await fx.call("GET", `/v1/folders/${folder.id}`)).status).toBe(404);
  });

  it("refuses an upload that is not multipart", async () => {
    const folder = await ok(fx.call("POST", "/v1/folders/", { name: "docs2" }));
    const res = await fx.call("POST", `/v1/folders/${folder.id}/upload`, { file: "x" });
    expect(res.status).toBe(400);
  });
});
