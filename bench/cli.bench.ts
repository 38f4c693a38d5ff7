// `npm run bench -- cli [runs]`: wall time of a one-shot command (`lmos agents list` on an empty home)
// started the way a user starts it (node bin/lmos.js), from the dist/ build and through tsx; then the same
// command through each launcher a README could show — `node bin/lmos.js`, `npm run lmos --` and `npx lmos`
// (its cache warm: a cold one first reinstalls the checkout, see issue 18) — in turns, so that machine
// load falls on all alike. Builds dist/ first when it is missing or stale. Writes bench/results/cli.json.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./children.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

const LAUNCHERS: Record<string, [string, string[]]> = {
  "node bin/lmos.js": [process.execPath, ["bin/lmos.js"]],
  "npm run lmos --": ["npm", ["run", "--silent", "lmos", "--"]],
  "npx lmos": ["npx", ["--no-install", "lmos"]],
};

function timeOnce(env: NodeJS.ProcessEnv, launcher = "node bin/lmos.js"): number {
  const [cmd, pre] = LAUNCHERS[launcher];
  const t0 = performance.now();
  const r = spawnSync(cmd, [...pre, "agents", "list"], { cwd: root, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${launcher} agents list exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

export default async function cliBench(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 7);
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  const home = mkdtempSync(join(tmpdir(), "lmos-bench-cli-"));
  const env = { ...process.env, LMOS_HOME: home };
  const built = join(root, "dist/cli/main.js");
  try {
    timeOnce(env); // warm the file cache and tsx's transform cache for both paths
    const fromDist: number[] = [];
    const throughTsx: number[] = [];
    for (let i = 0; i < runs; i++) {
      fromDist.push(timeOnce(env));
      // An old dist/ build sends bin/lmos.js down the tsx path; the build's own time is put back after.
      const now = Date.now() / 1000;
      utimesSync(built, now - 1e6, now - 1e6);
      throughTsx.push(timeOnce(env));
      utimesSync(built, now, now);
    }
    const launched: Record<string, number[]> = Object.fromEntries(
      Object.keys(LAUNCHERS).map((n) => [n, [] as number[]]),
    );
    const names = Object.keys(LAUNCHERS).filter((name) => {
      try {
        timeOnce(env, name); // warm (npx: fails here when its cache does not hold the checkout)
        return true;
      } catch (e) {
        console.log(`${name}: not measured (${(e as Error).message.split("\n")[0]})`);
        return false;
      }
    });
    for (let i = 0; i < runs; i++) for (const name of names) launched[name].push(timeOnce(env, name));
    const result = {
      command: "lmos agents list (empty home)",
      runs,
      dist_ms_median: Math.round(median(fromDist)),
      tsx_ms_median: Math.round(median(throughTsx)),
      speedup: Number((median(throughTsx) / median(fromDist)).toFixed(2)),
      launchers_ms_median: Object.fromEntries(names.map((n) => [n, Math.round(median(launched[n]))])),
      node: process.version,
    };
    const { launchers_ms_median: _, ...paths } = result;
    console.table([paths]);
    console.table(result.launchers_ms_median);
    mkdirSync(join(root, "bench/results"), { recursive: true });
    writeFileSync(join(root, "bench/results/cli.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log("wrote bench/results/cli.json");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
