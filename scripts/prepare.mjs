// `npm install` (the "prepare" script) builds dist/ for the fast CLI start-up. Without TypeScript (an install
// with --omit=dev) there is nothing to build with, and a checkout being edited may not type-check: in both
// cases say so, leave no half-built dist/ behind, and go on — bin/lmos.js then runs the sources through tsx.
// (`npm run check` is what fails on type errors.) First it builds the native stage-A step
// (scripts/build-native.mjs: g++ -O3 -mavx2 -mfma, a few seconds); that never fails the install either.
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
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath, "run", "build"]]
  : ["npm", ["run", "build"]];
const r = spawnSync(npm[0], npm[1], { stdio: "inherit" });
if (r.status !== 0) {
  rmSync(new URL("../dist/", import.meta.url), { recursive: true, force: true });
  console.log("lmos: the dist/ build failed (see above); the CLI will run the sources through tsx.");
}
