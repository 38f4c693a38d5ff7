// Builds the web UI into web/dist, which `lmos serve` serves at /. Relative asset URLs and hash routes let
// the built page work under any path prefix (a reverse proxy) with no server-side routing.
// `npm run dev:web` serves it with hot reload and forwards /v1 to an `lmos serve` on LMOS_PORT (8283).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const api = `http://127.0.0.1:${process.env.LMOS_PORT || 8283}`;

export default defineConfig({
  root,
  base: "./",
  publicDir: "public",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One small app: a single chunk keeps the page to three requests.
    chunkSizeWarningLimit: 200,
  },
  server: { proxy: { "/v1": api, "/openapi.json": api } },
});
