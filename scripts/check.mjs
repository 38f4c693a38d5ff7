#!/usr/bin/env node
// `npm run check`: strict type check (the package, and the web UI apart: it has the DOM), lint and format
// (Biome), layering (imports point down the layers of DESIGN.md and enter another layer only through its
// index.ts or types.ts; no vitest outside *.test.ts and *.testkit.ts, the only test files the build leaves
// out of dist/), no import cycles, and a file-size report. Exits non-zero on any failure except the size
// report, which only informs.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");
let failed = false;

function run(title, cmd, args) {
  process.stdout.write(`• ${title} … `);
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  if (r.status === 0) {
    console.log("ok");
    return;
  }
  failed = true;
  console.log("FAILED");
  console.log((r.stdout + r.stderr).trim().split("\n").slice(0, 80).join("\n"));
}

run("type check (tsc --noEmit, strict)", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]);
run("type check of the web UI (web/, DOM + Preact JSX)", "npx", [
  "tsc",
  "--noEmit",
  "-p",
  "web/tsconfig.json",
]);
run("lint + format (biome check)", "npx", ["biome", "check", "."]);

// Layer ranks: a module may import modules of a strictly lower rank, or of its own folder.
// The four folders between the store and the kernel are ranked too, so they cannot import each other in
// a circle: tools build on context and memory, sources' file tools on tools (and the ToolError that
// memory and sources throw lives in errors.ts, below them all).
// Contract files (types.ts, kernel/events.ts) may be shared sideways by folders of the same rank.
const rank = {
  errors: 0,
  env: 0.5, // shared configuration parsing; uses errors
  "worker-jobs": 0.5, // one lazily started worker thread for a kind of job (llm's token counts, embed's batches)
  "wasm-encoding": 0.5, // the bytes of the hand-assembled wasm SIMD kernels (cr's matmul, store's vector index)
  store: 1,
  llm: 1,
  embed: 1,
  cr: 1,
  context: 2,
  memory: 2.1,
  tools: 2.2,
  sources: 2.3,
  kernel: 3,
  runtime: 4,
  server: 5,
  cli: 6,
  index: 7,
};
// cr depends on nothing above it; nothing below runtime may depend on cr except through interfaces.
const mayImport = (from, to, target) =>
  from === to || rank[to] < rank[from] || (rank[to] === rank[from] && /\/types\.ts$/.test(target));

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}
const layerOf = (file) => {
  const rel = relative(src, file).split("/");
  return rel.length === 1 ? rel[0].replace(/\.ts$/, "") : rel[0];
};
const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

const all = files(src).filter((f) => !f.endsWith(".test.ts") && !f.endsWith(".testkit.ts"));
const graph = new Map();
const layerErrors = [];
for (const file of all) {
  const text = readFileSync(file, "utf8");
  const deps = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    // The build leaves out *.test.ts and *.testkit.ts only; test code anywhere else would ship in dist/.
    if (spec === "vitest" || spec.startsWith("vitest/")) {
      layerErrors.push(`${relative(root, file)} imports ${spec}: name it *.test.ts or *.testkit.ts`);
    }
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src)) continue;
    deps.push(target);
    const from = layerOf(file);
    const to = layerOf(target);
    if (!(from in rank) || !(to in rank)) {
      layerErrors.push(`${relative(root, file)}: unknown layer for import "${spec}"`);
    } else if (!mayImport(from, to, target)) {
      layerErrors.push(
        `${relative(root, file)} (${from}) imports ${relative(root, target)} (${to}): points up the layers`,
      );
    } else if (
      from !== to &&
      !/\/(index|types|events)\.ts$/.test(target) &&
      to !== "errors" &&
      to !== "env" &&
      to !== "worker-jobs" &&
      to !== "wasm-encoding"
    ) {
      layerErrors.push(
        `${relative(root, file)} reaches into ${relative(root, target)}: import ${to}/index.ts instead`,
      );
    }
  }
  graph.set(file, deps);
}
process.stdout.write("• layering (imports point down, through index.ts) … ");
if (layerErrors.length) {
  failed = true;
  console.log(`FAILED\n${layerErrors.join("\n")}`);
} else console.log("ok");

// Cycle detection: depth-first search with colours.
const colour = new Map();
const cycles = [];
function visit(node, stack) {
  colour.set(node, 1);
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (colour.get(dep) === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!colour.get(dep) && graph.has(dep)) visit(dep, stack);
  }
  stack.pop();
  colour.set(node, 2);
}
for (const node of graph.keys()) if (!colour.get(node)) visit(node, []);
process.stdout.write("• import cycles … ");
if (cycles.length) {
  failed = true;
  console.log(`FAILED\n${cycles.map((c) => c.map((f) => relative(root, f)).join(" → ")).join("\n")}`);
} else console.log("ok");

// File-size report (informative): aim for < 300 lines per file.
const sizes = files(src)
  .map((f) => ({ f: relative(root, f), n: readFileSync(f, "utf8").split("\n").length }))
  .sort((a, b) => b.n - a.n);
const big = sizes.filter((s) => s.n > 300);
const median = sizes.length ? sizes[Math.floor(sizes.length / 2)].n : 0;
console.log(`• file sizes: ${sizes.length} files, median ${median} lines, ${big.length} over 300`);
for (const s of big) console.log(`    ${String(s.n).padStart(5)}  ${s.f}`);

if (failed) {
  console.log("check failed");
  process.exit(1);
}
console.log("check passed");
