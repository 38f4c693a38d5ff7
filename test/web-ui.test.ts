// The web UI in a real browser: Debian's Chromium (playwright-core) against the real `lmos serve` started
// with LMOS_API_KEY, and the scripted model. One server and one browser for the whole file; the tests run in
// order, as one person's session: key prompt, create an agent, chat, edit memory, upload, read the context
// bar, follow the runs. Assertions are on the page's structure and text, never on pixels or timings.
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessageReply } from "./scripted-model.ts";
import { CHROMIUM, startWebStack, type WebStack } from "./web-harness.ts";

const KEY = "ui-secret";
let stack: WebStack;
let page: Page;
let agentId = "";

if (!existsSync(CHROMIUM)) {
  throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
}

beforeAll(async () => {
  stack = await startWebStack({ apiKey: KEY });
  page = stack.page;
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

/** The server's own answer, read past the UI (what the page should agree with). */
async function apiGet(path: string): Promise<any> {
  const res = await fetch(`${stack.url}/v1/${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const ints = (s: string | null) => Number((s ?? "").replace(/[^\d]/g, ""));

/** The side panel's (or context page's) figure for one section of the context bar. */
async function section(name: string): Promise<number> {
  const text = await page.locator(`.legend-item[data-section="${name}"] dd`).first().textContent();
  return ints(/[\d,]+/.exec(text ?? "")?.[0] ?? "");
}

describe("web UI", () => {
  it("asks for the API key, refuses a wrong one and lets the right one in", async () => {
    await expect
      .poll(() => page.getByRole("heading", { name: "This server needs an API key" }).count())
      .toBe(1);
    await page.getByLabel("API key", { exact: true }).fill("wrong");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("The server did not accept that key.").waitFor();
    await page.getByLabel("API key", { exact: true }).fill(KEY);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Agents", level: 1 }).waitFor();
  });

  it("creates an agent with a model and memory blocks", async () => {
    const form = page.locator("form.create-agent");
    await form.getByLabel("Name", { exact: true }).fill("ada");
    // The server's default model is offered first.
    expect(await form.getByLabel("Model", { exact: true }).inputValue()).toBe("openai/scripted-model");
    await form.getByLabel("Value", { exact: true }).nth(1).fill("Name unknown yet.");
    await form.getByRole("button", { name: "Add block" }).click();
    await form.getByLabel("Label", { exact: true }).nth(2).fill("projects");
    await form.getByLabel("Value", { exact: true }).nth(2).fill("The web UI.");
    await form.getByLabel("Limit", { exact: true }).nth(2).fill("300");
    await form.getByRole("button", { name: "Create agent" }).click();
    // Created agents open in the chat, and the sidebar lists them.
    await page.getByRole("heading", { name: "ada", level: 1 }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "ada" }).waitFor();
    agentId = decodeURIComponent(/#\/agents\/([^/]+)\/chat/.exec(page.url())?.[1] ?? "");
    const agent = await apiGet(`agents/${agentId}`);
    expect(agent.name).toBe("ada");
    expect(agent.llm_config.handle).toBe("openai/scripted-model");
    const blocks = Object.fromEntries(agent.blocks.map((b: any) => [b.label, b]));
    expect(blocks.human.value).toBe("Name unknown yet.");
    expect(blocks.projects).toMatchObject({ value: "The web UI.", limit: 300 });
  });

  it("streams the reply, folds reasoning and tool calls, shows the memory edit inline and in the editor", async () => {
    const messagesBefore = await section("messages");
    stack.model.push(
      {
        reasoning: "She told me her name and her favourite colour.",
        toolCalls: [
          {
            name: "core_memory_append",
            arguments: { label: "human", content: "Name: Ada. Likes teal.", request_heartbeat: true },
          },
        ],
      },
      {
        ...sendMessageReply("Nice to meet you, Ada! I will remember that you like teal."),
        chunkDelayMs: 60,
      },
    );
    // Every text the reply shows on its way: streamed, it grows through several.
    await page.evaluate(() => {
      // Runs in the page (the test's own tsconfig has no DOM types).
      const g = globalThis as any;
      const seen: string[] = [];
      // How many streamed chunks the reply was built from, at most (one render may show several).
      g.__replyChunks = 0;
      // Where the streaming turn's summary line sits within its turn, and the turn within the
      // transcript's content, at every change: one place each means nothing jumped while it streamed.
      const positions = new Set<string>();
      g.__replyTexts = seen;
      g.__positions = positions;
      new g.MutationObserver(() => {
        const replies = g.document.querySelectorAll('[data-testid="reply"]');
        const text = replies[replies.length - 1]?.textContent ?? "";
        if (text && seen[seen.length - 1] !== text) seen.push(text);
        const chunks = Number(replies[replies.length - 1]?.getAttribute("data-chunks") ?? 0);
        g.__replyChunks = Math.max(g.__replyChunks, chunks);
        const turns = g.document.querySelectorAll('[data-testid="turn"]');
        const turn = turns[turns.length - 1];
        const summary = turn?.querySelector('[data-testid="turn-summary"]');
        const transcript = g.document.querySelector(".transcript");
        if (!summary || !transcript) return;
        const top = turn.getBoundingClientRect().top;
        const inTurn = Math.round(summary.getBoundingClientRect().top - top);
        const inTranscript = Math.round(top - transcript.getBoundingClientRect().top + transcript.scrollTop);
        positions.add(`${inTurn}/${inTranscript}`);
      }).observe(g.document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByLabel("Message to ada", { exact: true }).fill("Hi, I'm Ada and I love teal.");
    await page.keyboard.press("Enter");
    const turn = page.getByTestId("turn").last();
    await turn
      .getByTestId("reply")
      .filter({ hasText: "Nice to meet you, Ada! I will remember that you like teal." })
      .waitFor();
    await expect
      .poll(() => turn.getByTestId("turn-summary").textContent())
      .toBe("2 steps · reasoning · 1 tool call");

    // Streamed: the reply was put together from several chunks, and every text it showed on the way was a
    // beginning of the next (how many renders that took depends on the machine's load, so it is not asserted).
    expect(await page.evaluate(() => (globalThis as any).__replyChunks)).toBeGreaterThan(1);
    const texts: string[] = await page.evaluate(() => (globalThis as any).__replyTexts);
    for (let i = 1; i < texts.length; i++) expect(texts[i].startsWith(texts[i - 1])).toBe(true);
    expect(await page.evaluate(() => [...(globalThis as any).__positions])).toHaveLength(1);
    expect(stack.model.requests.at(-1)?.stream).toBe(true);

    // Folded: the reasoning and the tool call are there but closed.
    const steps = turn.locator("details.steps");
    expect(await steps.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    await turn.getByTestId("turn-summary").click();
    await turn.getByText("She told me her name and her favourite colour.").waitFor();
    expect(await turn.locator(".detail-call code").first().textContent()).toBe("core_memory_append");

    // The memory edit inline, and the block editor holding the new value with a diff of the change.
    const edit = turn.getByTestId("memory-edit");
    expect(await edit.getAttribute("data-label")).toBe("human");
    expect(await edit.locator("ins").textContent()).toBe("Name: Ada. Likes teal.");
    const human = page.locator('aside [data-block="human"]');
    await expect
      .poll(() => human.locator("textarea").inputValue())
      .toBe("Name unknown yet.\nName: Ada. Likes teal.");
    const added = await human.getByTestId("block-change").locator("ins").allTextContents();
    expect(added.join("").trim()).toBe("Name: Ada. Likes teal.");
    expect(await human.getByTestId("block-change").locator("del").count()).toBe(0);

    // The context bar follows the steps: more messages in the window, as the server counts them.
    const ctx = await apiGet(`agents/${agentId}/context`);
    await expect.poll(() => section("messages")).toBe(ctx.num_tokens_messages);
    expect(ctx.num_tokens_messages).toBeGreaterThan(messagesBefore);
  });

  it("saves a block edited by hand, and the next prompt carries it", async () => {
    const human = page.locator('aside [data-block="human"]');
    await human.getByTestId("block-change").getByRole("button", { name: "Dismiss" }).click();
    const box = human.locator("textarea");
    await box.fill("Name: Ada Lovelace. Likes teal. Writes programs for the Analytical Engine.");
    expect(await human.locator(".chars").textContent()).toBe("74 / 5,000 chars");
    await box.press("Control+Enter");
    await expect.poll(() => human.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    expect((await apiGet(`agents/${agentId}/core-memory/blocks/human`)).value).toContain("Ada Lovelace");
    // A hand edit is not reported as a change to look at.
    expect(await human.getByTestId("block-change").count()).toBe(0);

    stack.model.push(sendMessageReply("You are Ada Lovelace, and you like teal."));
    await page.getByLabel("Message to ada", { exact: true }).fill("What do you know about me?");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByTestId("reply").filter({ hasText: "You are Ada Lovelace" }).waitFor();
    const prompt = stack.model.requests.at(-1)?.system ?? "";
    expect(prompt).toContain("Name: Ada Lovelace. Likes teal. Writes programs for the Analytical Engine.");
  });

  it("refuses a block value over its limit before sending it", async () => {
    await page.getByRole("navigation", { name: "Agent" }).getByRole("link", { name: "Core memory" }).click();
    const projects = page.locator('[data-block="projects"]');
    await projects.locator("textarea").fill("x".repeat(301));
    await projects.getByText("Over the limit by 1 characters.").waitFor();
    expect(await projects.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    expect(await projects.locator("textarea").getAttribute("aria-invalid")).toBe("true");
    await projects.locator("textarea").press("Escape");
    expect(await projects.locator("textarea").inputValue()).toBe("The web UI.");
  });

  it("reads the context bar: every section against the window, the thresholds marked", async () => {
    await page
      .getByRole("navigation", { name: "Agent" })
      .getByRole("link", { name: "Context window" })
      .click();
    await page.locator(".page .context-bar").waitFor();
    const ctx = await apiGet(`agents/${agentId}/context`);
    expect(await section("system")).toBe(ctx.num_tokens_system);
    expect(await section("tools")).toBe(ctx.num_tokens_functions_definitions);
    expect(await section("core")).toBe(ctx.num_tokens_core_memory);
    expect(await section("summary")).toBe(ctx.num_tokens_summary_memory);
    expect(await section("files")).toBe(ctx.num_tokens_files);
    expect(await section("messages")).toBe(ctx.num_tokens_messages);
    expect(await section("warn")).toBe(ctx.num_tokens_warn_threshold);
    expect(await section("evict")).toBe(ctx.num_tokens_evict_threshold);
    const total = await page.getByTestId("context-total").first().textContent();
    expect(total).toContain(`/ ${ctx.context_window_size_max.toLocaleString("en-US")} tokens`);
    const labels = await page.locator(".page .legend dt").allTextContents();
    expect(labels).toEqual(
      expect.arrayContaining(["System", "Tools", "Core memory", "Summary", "Files", "Messages"]),
    );
    expect(await page.locator(".page .bar .mark-warn").count()).toBe(1);
    expect(await page.locator(".page .bar .mark-evict").count()).toBe(1);
    await page.getByText(/^Compiled system prompt/).click();
    expect(await page.locator("pre.prompt").first().textContent()).toContain("Ada Lovelace");
  });

  it("shows runs and steps with the exact request sent to the model and the usage", async () => {
    await page.getByRole("navigation", { name: "Agent" }).getByRole("link", { name: "Runs" }).click();
    const runs = await apiGet(`runs/?agent_id=${agentId}`);
    expect(runs).toHaveLength(2);
    // The newest run is open: one step, whose request is what the model received.
    const steps = await apiGet(`runs/${runs[0].id}/steps`);
    const step = page.locator(`[data-step="${steps[0].id}"]`);
    await step.waitFor();
    expect(await step.locator("summary").textContent()).toContain(
      `= ${steps[0].total_tokens.toLocaleString("en-US")} tokens`,
    );
    await step.locator("summary").click();
    const trace = step.getByTestId("trace");
    await trace.waitFor();
    expect(await trace.locator(".wire-system pre").first().textContent()).toContain("Ada Lovelace");
    await trace.getByRole("button", { name: "Show raw JSON" }).click();
    const raw = JSON.parse((await trace.getByTestId("trace-raw").textContent()) ?? "{}");
    const sent = stack.model.requests.at(-1)?.body;
    expect(raw).toEqual(sent);
  });

  it("searches archival and recall memory, inserts and deletes passages", async () => {
    const nav = page.getByRole("navigation", { name: "Agent" });
    await nav.getByRole("link", { name: "Archival" }).click();
    const insert = page.locator("form", { has: page.getByRole("heading", { name: "Insert a passage" }) });
    await insert.getByLabel("Text", { exact: true }).fill("Ada's first program computed Bernoulli numbers.");
    await insert.getByLabel("Tags (comma-separated)", { exact: true }).fill("history, math");
    await insert.getByRole("button", { name: "Insert" }).click();
    await page.locator(".passage").first().waitFor();
    await insert.getByLabel("Text", { exact: true }).fill("Teal is a blue-green colour.");
    await insert.getByRole("button", { name: "Insert" }).click();
    await page.locator(".passage").nth(1).waitFor();
    await page.getByLabel("Search archival memory", { exact: true }).fill("Bernoulli");
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    await expect.poll(() => page.locator(".passage").count()).toBe(1);
    const hit = page.locator(".passage").first();
    expect(await hit.locator(".passage-text").textContent()).toBe(
      "Ada's first program computed Bernoulli numbers.",
    );
    expect(await hit.locator(".tag").allTextContents()).toEqual(["history", "math"]);
    await hit.getByRole("button", { name: "Delete" }).click();
    await hit.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.locator(".passage").count()).toBe(0);
    expect((await apiGet(`agents/${agentId}/archival-memory`)).map((p: any) => p.text)).toEqual([
      "Teal is a blue-green colour.",
    ]);

    await nav.getByRole("link", { name: "Recall" }).click();
    await page.getByLabel("Search the conversation", { exact: true }).fill("teal");
    await page.getByLabel("Who", { exact: true }).selectOption("user");
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    await page.locator(".recall-hit").first().waitFor();
    expect(await page.locator(".recall-hit .passage-text").allTextContents()).toEqual([
      "Hi, I'm Ada and I love teal.",
    ]);
  });

  it("uploads a file with a progress bar and attaches its source to the agent", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources" }).click();
    await page.getByLabel("Name", { exact: true }).fill("handbook");
    await page.getByRole("button", { name: "Create source" }).click();
    const folder = page.locator('[data-folder="handbook"]');
    await folder.waitFor();
    const text = Array.from(
      { length: 400 },
      (_, i) => `Line ${i + 1}: the Analytical Engine weaves patterns.`,
    );
    await folder.getByLabel("Upload files", { exact: true }).setInputFiles({
      name: "engine.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(`# The engine\n\n${text.join("\n")}\n`),
    });
    await folder.locator('[data-file="engine.md"]').waitFor();
    await folder.getByText("engine.md indexed").waitFor();
    expect(await folder.getByTestId("upload-progress").getAttribute("value")).toBe("100");
    expect(ints(await folder.locator('[data-file="engine.md"] td').nth(1).textContent())).toBeGreaterThan(0);

    await folder.getByLabel("Attach to agent", { exact: true }).selectOption({ label: "ada" });
    await folder.getByRole("button", { name: "Attach" }).click();
    await folder.locator(".chip", { hasText: "ada" }).waitFor();
    const agent = await apiGet(`agents/${agentId}`);
    expect(agent.sources.map((s: any) => s.name)).toEqual(["handbook"]);
    expect(agent.tools.map((t: any) => t.name)).toContain("open_file");
  });

  it("deletes the agent, and the page logged no errors", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Agents" }).click();
    const row = page.locator('tr[data-agent="ada"]');
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No agents yet: create one below.").waitFor();
    expect(await apiGet("agents/")).toEqual([]);
    expect(stack.pageErrors).toEqual([]);
  });
});
