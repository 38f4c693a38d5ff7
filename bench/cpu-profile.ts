// Summary of a V8 CPU profile (`node --cpu-prof`): self time by source file, the share a user reads to see
// where a process spends its time. Samples are wall-clock ticks of the main thread, so time blocked in a
// native call (a SQLite commit's writes) counts where the call was made.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a path inside the repo, `nm/<package>/…`, or the V8/Node label. */
function placeOf(frame: ProfileNode["callFrame"]): string {
  if (!frame.url) return frame.functionName || "(native)";
  const nm = frame.url.lastIndexOf("node_modules/");
  if (nm >= 0) return `nm/${frame.url.slice(nm + "node_modules/".length)}`;
  const src = frame.url.search(/\/(src|bench|test)\//);
  return src >= 0 ? frame.url.slice(src + 1) : frame.url;
}

/** The `top` places by self time, as shares of all sampled time (idle included). */
export function selfTimeByFile(path: string, top = 15): Array<{ place: string; share: number }> {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPlace = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const place = placeOf(node.callFrame);
    byPlace.set(place, (byPlace.get(place) ?? 0) + dt);
    total += dt;
  });
  return [...byPlace]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([place, t]) => ({ place, share: Number(((100 * t) / Math.max(1, total)).toFixed(1)) }));
}
