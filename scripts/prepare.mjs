// `npm install` (the "prepare" script) builds dist/ for the fast CLI start-up. Without TypeScript (an install
// with --omit=dev) there is nothing to build with, and a checkout being edited may not type-check: in both
// cases say so, leave no half-built dist/ behind, and go on — bin/lmos.js then runs the sources through tsx.
// (`npm run check` is what fails on type errors.) First it builds the native stage-A step
// (scripts/build-native.mjs: g++ -O3 -mavx2 -mfma, a few seconds); that never fails the install either.
// Last it builds the web UI into web/dist/ (below).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const native = spawnSync(process.execPath, [fileURLToPath(new URL("./build-native.mjs", import.meta.url))], {
  stdio: "inherit",
});
if (native.status !== 0)
  console.log("lmos: the native stage-A step build did not run; stage A will use jax-js.");

const require = createRequire(import.meta.url);
try {
  require.resolve("typescript");
} catch {
  console.log("lmos: TypeScript is not installed (dev dependencies omitted); skipping the dist/ build.");
  process.exit(0);
}
const npmRun = (script) =>
  process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath, "run", script]]
    : ["npm", ["run", script]];
const [cmd, args] = npmRun("build");
const r = spawnSync(cmd, args, { stdio: "inherit" });
if (r.status !== 0) {
  rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
  console.log("lmos: the dist/ build failed (see above); the CLI will run the sources through tsx.");
}

// The web UI `lmos serve` shows at / (web/ → web/dist/, Vite, about 2 s). Vite is a dev dependency like
// TypeScript: the packed package ships web/dist built here. A failed build leaves no half-built UI; the
// server then answers / with a page saying how to build it.
try {
  require.resolve("vite");
  const [webCmd, webArgs] = npmRun("build:web");
  const w = spawnSync(webCmd, webArgs, { stdio: "inherit" });
  if (w.status !== 0) {
    rmSync(new URL("../web/dist/", import.meta.url), { recursive: true, force: true });
    console.log("lmos: the web UI build failed (see above); `lmos serve` will say so at /.");
  }
} catch {
  console.log("lmos: Vite is not installed (dev dependencies omitted); skipping the web UI build.");
}
