import { copyFileSync } from "node:fs";
import { openSqliteStore } from "../src/store/index.ts";
import { searchArchival } from "../src/memory/index.ts";
import { textSource } from "./search-data.ts";
const n = process.argv[2] ?? "10000";
const src = `${process.env.TMPDIR ?? "/tmp"}/lmos-bench-search/clustered-${n}-v1.db`;
copyFileSync(src, "/tmp/lexprobe.db");
const store = await openSqliteStore("/tmp/lexprobe.db", {});
const text = textSource(99);
for (let i = 0; i < 8; i++) {
  const q = text.query();
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await searchArchival(store, null, { agentId: "agent-bench-search", query: q, limit: 10 });
  const u = process.cpuUsage(c);
  console.log(q.slice(0, 60), r.length, (performance.now() - t).toFixed(1), "ms wall", ((u.user + u.system) / 1000).toFixed(1), "ms cpu");
}
await store.close();
