// `npm run screenshots`: the web UI's main pages as PNGs in docs/screenshots/, for the README. Runs the same
// stack as the browser tests (scripted model, the real `lmos serve`, Debian's Chromium), plays a short
// session through the UI — create an agent, chat (the agent edits its memory and opens a file), upload a
// document, add archival passages — and photographs each page at a laptop's size.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { sendMessageReply } from "../test/scripted-model.ts";
import { startWebStack } from "../test/web-harness.ts";

const OUT = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));

const HANDBOOK = `# The Analytical Engine

## The mill and the store

The engine has two parts: the store, which holds numbers on columns of wheels, and the mill, which
operates on them. Operations arrive on punched cards, as in the Jacquard loom.

## Programs

A program is a chain of operation cards and variable cards. Loops are made by backing the cards up.
The notes on Menabrea's paper show a program that computes Bernoulli numbers.
`;

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400); // let the bar's width transition settle
  await page.screenshot({ path: `${OUT}${name}.png` });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole("navigation", { name: "Agent" }).getByRole("link", { name }).click();
}

async function say(page: Page, text: string, reply: string): Promise<void> {
  await page.getByLabel("Message to ada", { exact: true }).fill(text);
  await page.keyboard.press("Enter");
  await page.getByTestId("reply").filter({ hasText: reply }).waitFor();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const stack = await startWebStack({ viewport: { width: 1366, height: 820 } });
  const { page, model } = stack;
  try {
    // A second agent so the list is not a single row.
    await page.getByLabel("Name", { exact: true }).fill("scheduler");
    await page.getByRole("button", { name: "Create agent" }).click();
    await page.getByRole("heading", { name: "scheduler", level: 1 }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Agents" }).click();
    const form = page.locator("form.create-agent");
    await form.getByLabel("Name", { exact: true }).fill("ada");
    await form.getByLabel("Value", { exact: true }).nth(0).fill("I am Sam, a patient research companion.");
    await form.getByLabel("Value", { exact: true }).nth(1).fill("Name unknown yet.");
    await form.getByRole("button", { name: "Create agent" }).click();
    await page.getByRole("heading", { name: "ada", level: 1 }).waitFor();

    // Sources: a handbook, attached to ada.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources" }).click();
    await page.getByLabel("Name", { exact: true }).fill("handbook");
    await page.getByLabel("Description", { exact: true }).fill("Notes on Babbage's engine");
    await page.getByRole("button", { name: "Create source" }).click();
    const folder = page.locator('[data-folder="handbook"]');
    await folder.getByLabel("Upload files", { exact: true }).setInputFiles({
      name: "engine.md",
      mimeType: "text/markdown",
      buffer: Buffer.from(HANDBOOK),
    });
    await folder.getByText("engine.md indexed").waitFor();
    await folder.getByLabel("Attach to agent", { exact: true }).selectOption({ label: "ada" });
    await folder.getByRole("button", { name: "Attach" }).click();
    await folder.locator(".chip", { hasText: "ada" }).waitFor();
    await shot(page, "sources");

    // Chat: a memory edit, then a file opened into the context.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "ada" }).click();
    model.push(
      {
        reasoning: "She introduced herself and told me what she works on. Worth keeping in core memory.",
        toolCalls: [
          {
            name: "core_memory_replace",
            arguments: {
              label: "human",
              old_content: "Name unknown yet.",
              new_content: "Name: Ada. Mathematician; writing notes on the Analytical Engine.",
              request_heartbeat: true,
            },
          },
        ],
      },
      {
        ...sendMessageReply("Lovely to meet you, Ada. I'll keep your notes on the engine in mind."),
        chunkDelayMs: 20,
      },
    );
    await say(page, "Hi! I'm Ada. I'm writing notes on Babbage's Analytical Engine.", "Lovely to meet you");
    model.push(
      {
        reasoning: "The handbook should describe the two parts; let me open it.",
        toolCalls: [
          { name: "open_file", arguments: { file_name: "handbook/engine.md", request_heartbeat: true } },
        ],
      },
      {
        ...sendMessageReply(
          "The handbook says the engine has two parts: the store, which holds numbers on columns of wheels, and the mill, which operates on them. Programs arrive on punched cards.",
        ),
        chunkDelayMs: 20,
      },
    );
    await say(page, "What are the engine's main parts, according to the handbook?", "two parts");
    await shot(page, "chat");

    await tab(page, "Core memory");
    await shot(page, "memory");

    await tab(page, "Context window");
    await page.locator(".page .context-bar").waitFor();
    await shot(page, "context");

    await tab(page, "Runs");
    const step = page.locator(".step").first();
    await step.locator("summary").click();
    await step.getByTestId("trace").waitFor();
    await shot(page, "runs");

    await tab(page, "Archival");
    const insert = page.locator("form", { has: page.getByRole("heading", { name: "Insert a passage" }) });
    for (const [text, tags] of [
      ["Ada's notes include a program for Bernoulli numbers.", "history, math"],
      ["The engine's store held 1,000 numbers of 50 digits.", "engine"],
      ["Ada prefers concise summaries with references.", "preferences"],
    ]) {
      await insert.getByLabel("Text", { exact: true }).fill(text);
      await insert.getByLabel("Tags (comma-separated)", { exact: true }).fill(tags);
      await insert.getByRole("button", { name: "Insert" }).click();
      await page.locator(".passage", { hasText: text }).waitFor();
    }
    await shot(page, "archival");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Agents" }).click();
    await page.locator('tr[data-agent="ada"]').waitFor();
    await shot(page, "agents");
    if (stack.pageErrors.length) throw new Error(`the page logged errors: ${stack.pageErrors.join("; ")}`);
  } catch (e) {
    await page.screenshot({ path: `${OUT}failed.png` }).catch(() => {});
    throw e;
  } finally {
    await stack.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
