// `npm install` (the "prepare" script) builds dist/ for the fast CLI start-up. Without TypeScript (an install
// with --omit=dev) there is nothing to build with: say so and go on, since bin/lmos.js then runs the
// sources through tsx.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

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
process.exit(r.status ?? 1);
