// The web UI at / (web/, built by Vite into web/dist/ when `npm install` runs the prepare script): static
// files from the same server and origin as the API, so it needs no second server, no CORS and no network.
// The page itself holds nothing secret, so it is served without the API key; the UI asks for the key when
// the API answers 401. API paths never reach this handler.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono, MiddlewareHandler } from "hono";

/** Where the built UI lives: web/dist at the package root (this file is src/server or dist/server). */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** Paths of the API (auth applies there): /v1, the MCP endpoint, the API's description. Everything else is
 * the UI's or unknown. */
export function isApiPath(path: string): boolean {
  return (
    path === "/v1" ||
    path.startsWith("/v1/") ||
    path === "/mcp" ||
    path.startsWith("/mcp/") ||
    path === "/openapi.json"
  );
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lmos</title></head>
<body><main><h1>lmos</h1>
<p>The web UI is not built in this checkout. Run <code>npm run build:web</code> (<code>npm install</code> does it),
then reload this page.</p>
<p>The API is served under <code>/v1</code>; <a href="openapi.json">openapi.json</a> describes it.</p>
</main></body></html>`;

/** Serves the UI from `dist` for GET/HEAD requests outside the API; an unbuilt UI gets a page saying how. */
export function webUi(app: Hono, dist: string = WEB_DIST): void {
  let files: MiddlewareHandler | null = null;
  app.use("*", async (c, next) => {
    const method = c.req.method;
    if (isApiPath(c.req.path) || (method !== "GET" && method !== "HEAD")) return next();
    if (!existsSync(join(dist, "index.html"))) {
      if (c.req.path !== "/" && c.req.path !== "/index.html") return next();
      return c.html(NOT_BUILT, 503);
    }
    files ??= serveStatic({
      root: dist,
      onFound: (path, fc) => {
        // Vite names assets by content hash: they never change. index.html must always be asked anew.
        const hashed = path.startsWith(join(dist, "assets"));
        fc.header("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
      },
    });
    return files(c, next);
  });
}
