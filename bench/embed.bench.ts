// `npm run bench -- embed [rounds]`: the built-in local embedder (LMOS_EMBEDDING=local, USE-lite on the
// worker thread): the first call (worker start and model load), then ms per batch and per text for
// batches of 1, 8, 32 and 64 short chat turns, and how many 1 ms timers the main thread ran meanwhile
// (it stays free). Writes bench/results/embed.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { median } from "./children.ts";
import { createEmbedder } from "../src/embed/index.ts";

const turn = (i: number) =>
  `Speaker ${i % 2 ? "A" : "B"}: yesterday I went to the support group meeting number ${i} and it was so inspiring, I want to go back next week.`;

export default async function embedBench(args: string[]): Promise<void> {
  const rounds = Number(args[0] ?? 3);
  const embedder = createEmbedder("local", {});
  if (!embedder) throw new Error("no local embedder");
  const t0 = performance.now();
  await embedder.embed(["hello"]);
  const firstMs = performance.now() - t0;
  const rows = [];
  for (const size of [1, 8, 32, 64]) {
    const samples: number[] = [];
    let ticks = 0;
    for (let r = 0; r < rounds; r++) {
      const texts = Array.from({ length: size }, (_, i) => turn(r * 1000 + size * 10 + i));
      const timer = setInterval(() => ticks++, 1);
      const t = performance.now();
      await embedder.embed(texts);
      samples.push(performance.now() - t);
      clearInterval(timer);
    }
    const ms = median(samples);
    rows.push({
      batch: size,
      ms_per_batch: Math.round(ms),
      ms_per_text: +(ms / size).toFixed(1),
      main_thread_ticks: ticks,
    });
  }
  const out = {
    date: new Date().toISOString(),
    machine: `${cpus().length}× ${cpus()[0]?.model}, Node ${process.versions.node}, load ${loadavg()[0].toFixed(1)}`,
    model: "local/universal-sentence-encoder-lite (512-d)",
    first_call_ms: Math.round(firstMs),
    rows,
  };
  console.log(`${out.model}; first call ${out.first_call_ms} ms (worker + model load); ${out.machine}`);
  console.table(rows);
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/embed.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
}
