#!/usr/bin/env node
// Builds the native stage-A training step (native/*.cpp → native/build/lmos-cr.node) with g++ directly:
// the compute file with -O3 -mavx2 -mfma, the N-API glue without (its CPU check must run anywhere).
// Never fails the caller: without g++, Node's headers or an x86-64 CPU it prints one line and exits 0,
// and lmos trains stage A on jax-js. `--quiet` prints nothing on success.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "native");
const out = join(src, "build");
const quiet = process.argv.includes("--quiet");
const skip = (why) => {
  console.log(`lmos: native stage-A step not built (${why}); stage-A training will use jax-js.`);
  process.exit(0);
};

if (process.arch !== "x64") skip(`needs x86-64 with AVX2, this is ${process.arch}`);
const gxx = process.env.CXX ?? "g++";
if (spawnSync(gxx, ["--version"], { encoding: "utf8" }).status !== 0) skip(`${gxx} not found`);
const include = [join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node"].find((d) =>
  existsSync(join(d, "node_api.h")),
);
if (!include) skip("node_api.h not found next to node or in /usr/include/node");

const common = ["-std=c++17", "-fPIC", "-fvisibility=hidden", `-I${include}`];
const run = (args) =>
  new Promise((resolve) => {
    const p = spawn(gxx, args, { stdio: ["ignore", "inherit", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("error", (e) => resolve(String(e)));
    p.on("close", (code) => resolve(code === 0 ? null : err.trim().split("\n").slice(0, 20).join("\n")));
  });

mkdirSync(out, { recursive: true });
const t0 = Date.now();
const errs = await Promise.all([
  run([...common, "-O3", "-mavx2", "-mfma", "-c", join(src, "cr-step.cpp"), "-o", join(out, "cr-step.o")]),
  run([...common, "-O2", "-c", join(src, "cr-addon.cpp"), "-o", join(out, "cr-addon.o")]),
]);
const compileErr = errs.find((e) => e !== null);
if (compileErr) {
  console.error(compileErr);
  skip("compile failed, see above");
}
const tmp = join(out, `lmos-cr.${process.pid}.node`);
const linkErr = await run([
  "-shared",
  "-pthread",
  "-o",
  tmp,
  join(out, "cr-step.o"),
  join(out, "cr-addon.o"),
]);
if (linkErr) {
  rmSync(tmp, { force: true });
  console.error(linkErr);
  skip("link failed, see above");
}
renameSync(tmp, join(out, "lmos-cr.node"));
if (!quiet)
  console.log(`lmos: built native/build/lmos-cr.node (native stage-A step) in ${Date.now() - t0} ms`);
