// The web UI end to end: the scripted model in this process, the real `lmos serve` as a child process on a
// temp LMOS_HOME, and Debian's Chromium driven by playwright-core (headless, with the flags this machine
// needs: no sandbox as root, no background networking on a closed network). Used by the browser tests and
// by `npm run screenshots`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { childEnv, startLmosServe } from "./cli-harness.ts";
import { echoReply } from "./scripted-model-server.ts";
import { type ScriptedModel, type ScriptedModelOptions, startScriptedModel } from "./scripted-model.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WEB = join(ROOT, "web");

/** Where Debian's chromium package puts the browser (.ci/run installs it when missing). */
export const CHROMIUM = process.env.LMOS_CHROMIUM || "/usr/bin/chromium";

/** Chromium's flags: headless as root on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function newestIn(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newestIn(join(path, n))));
}

/** Builds web/dist when it is missing or older than the UI's sources (an edited checkout). */
export function ensureWebBuilt(): void {
  const index = join(WEB, "dist", "index.html");
  const sources = Math.max(
    newestIn(join(WEB, "src")),
    newestIn(join(WEB, "index.html")),
    newestIn(join(WEB, "public")),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--config", join(WEB, "vite.config.ts")],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface WebStack {
  model: ScriptedModel;
  url: string;
  home: string;
  browser: Browser;
  page: Page;
  /** Errors the page logged or threw (CSP violations included): a test expects none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts model, server and browser; the page is open at the UI. */
export async function startWebStack(
  options: ScriptedModelOptions & { apiKey?: string; viewport?: { width: number; height: number } } = {},
): Promise<WebStack> {
  ensureWebBuilt();
  const model = await startScriptedModel({
    fallback: (req) => echoReply(req, "send_message"),
    ...options,
  });
  const home = mkdtempSync(join(tmpdir(), "lmos-web-"));
  const server = await startLmosServe(
    childEnv({
      LMOS_HOME: home,
      OPENAI_BASE_URL: model.url,
      OPENAI_API_KEY: "test",
      // A model lmos does not know, so the window is LMOS_CONTEXT_WINDOW: small enough to see on the bar.
      LMOS_MODEL: "openai/scripted-model",
      LMOS_CONTEXT_WINDOW: "8192",
      // The production default of retries (not 0 as in the API tests): a person's pauses between model
      // calls can meet the scripted server closing an idle keep-alive socket (Node's 5 s), which a retry
      // covers; one such 502 was seen here once, on a machine at load 17.
      LMOS_API_KEY: options.apiKey,
    }),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1366, height: 820 } });
  const page = await context.newPage();
  // Fail a step in 20 s rather than Playwright's 30 s: the scripted model answers at once (the slack is for a loaded machine).
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 40[14]/.test(m.text())) pageErrors.push(m.text());
  });
  // A server error's body says why (a test that fails on one shows it in its page errors).
  page.on("response", (r) => {
    if (r.status() >= 500) {
      void r.text().then(
        (body) => pageErrors.push(`${r.status()} ${r.url()}: ${body.slice(0, 300)}`),
        () => {},
      );
    }
  });
  await page.goto(`${server.url}/`);
  return {
    model,
    url: server.url,
    home,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      server.child.kill("SIGTERM");
      await server.exited;
      await model.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
