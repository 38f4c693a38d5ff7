// `lmos cr train|eval|inspect`: the compressor-retriever miniature (train on CPU, evaluate, look inside).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import { type Command, Option } from "commander";
import { z } from "zod";
import {
  CONFIGS,
  DEFAULT_MODEL_PATH,
  DEFAULT_SHAPE,
  evalGeneration,
  evalSettingA,
  evalSettingB,
  initTensors,
  inspectEpisode,
  LORA_SITES,
  loadModel,
  makeEpisode,
  makeLifelong,
  STAGE_A_BACKENDS,
  trainPipeline,
} from "../../cr/index.ts";
import { nonNegativeInt, positiveInt } from "../args.ts";

const TrainOpts = z.object({
  config: z.enum(["nano", "micro", "small"]),
  steps: z.number().int().positive(),
  stepsB: z.number().int().positive(),
  batch: z.number().int().positive(),
  rank: z.number().int().positive(),
  lora: z.string(),
  dir: z.string(),
  out: z.string(),
  backend: z.enum(STAGE_A_BACKENDS).optional(),
});

const GENERATION_NOTES =
  "setting (a) held-out seeds 0..n-1, first query; the question alone in the context and the episode's 6 demos in the memory store; the model decodes <call_retrieval> itself (its trained row, model metadata call_retrieval), the question's retrieval is spliced in as the chunks' raw tokens; sync = host retrieval on the main thread, decoding paused; async = the same walk on a worker thread while decoding goes on (when the model asks again while its request is pending it waits, so the tokens are the same); latency = wall time per answer (greedy host-forward decode of up to 2 tokens + retrieval); in_context = the 6 demos in the context too";

function writeResult(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${path}`);
}

/**
 * The model file of `cr eval|inspect --model <path>`: the program's own `--model <handle>` (for new
 * agents) is a known option of the parent, so commander hands the value to it, not to the subcommand.
 */
function modelPath(program: Command, own: string): string {
  const g = (program.opts() as { model?: string }).model;
  return g ?? own;
}

/** Registers `lmos cr`. */
export function register(program: Command): void {
  const cr = program
    .command("cr")
    .description(
      "compressor-retriever: train the small model on CPU, evaluate the ICL miniature, inspect a hierarchy",
    );

  cr.command("train")
    .description(
      "stage A (base LM, full context) then stage B (LoRA + MEM/RET through compressor and retriever); resumable",
    )
    .addOption(
      new Option("--config <name>", "model size").choices(["nano", "micro", "small"]).default("small"),
    )
    .option("--steps <n>", "stage-A steps (the first quarter on short 1–3 demo contexts)", positiveInt, 600)
    .option("--steps-b <n>", "stage-B steps (the first 5/7 on the retrieval loss alone)", positiveInt, 700)
    .option("--batch <n>", "stage-A batch (episodes)", positiveInt, 32)
    .option("--rank <n>", "LoRA rank", positiveInt, 8)
    .option(
      "--lora <sites>",
      `LoRA placement, comma-separated of ${LORA_SITES.join(",")}`,
      LORA_SITES.join(","),
    )
    .option("--dir <path>", "checkpoint directory (resume point)", "runs/cr")
    .option("--out <path>", "model file to write", DEFAULT_MODEL_PATH)
    .addOption(
      new Option(
        "--backend <name>",
        "stage-A backend: native (AVX2 addon; the default when built) or jax; stage B always runs on jax-js",
      ).choices(STAGE_A_BACKENDS),
    )
    .action(async (raw: unknown) => {
      const o = TrainOpts.parse(raw);
      const sites = z.array(z.enum(LORA_SITES)).parse(o.lora.split(","));
      await initTensors();
      await trainPipeline({
        config: o.config,
        stepsA: o.steps,
        stepsB: o.stepsB,
        batchA: o.batch,
        lrA: 3e-3,
        lrB: 3e-3,
        rank: o.rank,
        sites,
        shape: DEFAULT_SHAPE,
        dir: o.dir,
        out: o.out,
        backendA: o.backend,
      });
      console.log(`wrote ${o.out}`);
    });

  cr.command("eval")
    .description("setting (a): 6 demos, 2 relevant; setting (b): a life-long store searched top-down")
    .option("--json", "write bench/results/cr.json")
    .option("--model <path>", "model file", DEFAULT_MODEL_PATH)
    .option("--episodes <n>", "held-out episodes for setting (a)", positiveInt, 1000)
    .option("--store <n>", "life-long store size (demos)", positiveInt, 256)
    .option("--stores <n>", "life-long stores", positiveInt, 4)
    .option("--queries <n>", "queries per store", positiveInt, 50)
    .option("--top-c <n>", "nodes kept per level", positiveInt, 2)
    .option(
      "--generation-episodes <n>",
      "held-out episodes for <call_retrieval> in generation (sync vs async retrieval); 0 skips it",
      nonNegativeInt,
      200,
    )
    .option(
      "--generation-only",
      "only the <call_retrieval> section (with --json: bench/results/cr-generation.json)",
    )
    .action(
      async (o: {
        json?: boolean;
        model: string;
        episodes: number;
        store: number;
        stores: number;
        queries: number;
        topC: number;
        generationEpisodes: number;
        generationOnly?: boolean;
      }) => {
        await initTensors();
        const m = loadModel(modelPath(program, o.model));
        if (o.generationOnly) {
          const g = {
            call_retrieval: {
              ...(await evalGeneration(m, { episodes: Math.max(1, o.generationEpisodes) })),
              notes: GENERATION_NOTES,
            },
            load_average: loadavg().map((x) => +x.toFixed(2)),
            measured_at: new Date().toISOString(),
          };
          console.log(JSON.stringify(g, null, 2));
          if (o.json) writeResult("bench/results/cr-generation.json", g);
          return;
        }
        const shape = JSON.parse(m.meta.shape ?? JSON.stringify(DEFAULT_SHAPE)) as typeof DEFAULT_SHAPE;
        const a = await evalSettingA(m.cfg, m.base, m.ad, {
          episodes: o.episodes,
          C: o.topC,
          nR: shape.nR,
          tau: shape.tau,
          score: m.score,
          generation: m.generation,
          ...(m.reader ? { reader: m.reader } : {}),
        });
        const b = await evalSettingB(m.cfg, m.base, m.ad, {
          size: o.store,
          stores: o.stores,
          queries: o.queries,
          C: o.topC,
          nR: shape.nR,
          tau: shape.tau,
          seed0: 500,
          score: m.score,
          generation: m.generation,
          ...(m.reader ? { reader: m.reader } : {}),
        });
        const generation =
          o.generationEpisodes > 0 ? await evalGeneration(m, { episodes: o.generationEpisodes }) : null;
        const result = {
          ...a,
          acc_cr_over_full: a.acc_full > 0 ? a.acc_cr / a.acc_full : 0,
          acc_cr_embed_over_full: a.acc_full > 0 ? a.acc_cr_embed / a.acc_full : 0,
          lifelong: b,
          ...(generation
            ? {
                call_retrieval: {
                  ...generation,
                  notes: GENERATION_NOTES,
                },
              }
            : {}),
          model: {
            config: m.cfg,
            lora_rank: m.rank,
            lora_sites: m.sites,
            steps_a: m.meta.steps_a,
            steps_b: m.meta.steps_b,
            generation: m.generation,
            stage_b_note: m.meta.stage_b,
            reader: m.meta.reader ? JSON.parse(m.meta.reader) : null,
            score: m.score.mean ? { ...m.score, mean: `[${m.score.mean.length} numbers]` } : m.score,
          },
          notes: `acc_cr = the model file's declared generation mode, here "${m.generation}" (${m.generation === "raw" ? "the retrieved demos' raw segments (level 0) given to the base model" : "the retrieved demos' level-1 memory vectors injected as input embeddings"}); acc_cr_raw = raw segments; acc_cr_embed = level-1 vectors injected as embeddings, read by the reader adapter (its own LoRA + input map on the frozen base; model.reader) or, in files without one, base + stage-B LoRA; acc_random* = the same with random demos. Retrieval (match_rate) is the model's own attention read-out either way. Stage B: the retrieval loss (−log RET attention mass on the relevant demos; half the training queries ask about the distractor tasks) first, then end to end with the answer loss; candidates centred before scoring (by the fixed mean root stored in the model file when score.mean is set). Held-out seeds: setting (a) 0..999, setting (b) stores from seed 500; training seeds ≥ 20,000,000`,
          measured_at: new Date().toISOString(),
        };
        console.log(JSON.stringify(result, null, 2));
        if (o.json) writeResult("bench/results/cr.json", result);
      },
    );

  cr.command("inspect")
    .description("print the hierarchy built for one context and the path the retriever took")
    .option("--model <path>", "model file", DEFAULT_MODEL_PATH)
    .option("--seed <n>", "held-out episode seed", positiveInt, 1)
    .option("--lifelong <n>", "inspect a life-long store of n demos instead of a 6-demo episode", positiveInt)
    .option("--top-c <n>", "nodes kept per level", positiveInt, 2)
    .action(async (o: { model: string; seed: number; lifelong?: number; topC: number }) => {
      await initTensors();
      const m = loadModel(modelPath(program, o.model));
      const ep = o.lifelong ? makeLifelong(o.seed, o.lifelong, 1) : makeEpisode(o.seed);
      const { lines } = await inspectEpisode(m.cfg, m.base, m.ad, ep, {
        C: o.topC,
        nR: 2,
        upper: !!o.lifelong,
        targetLevel: 2,
        score: m.score,
      });
      console.log(lines.join("\n"));
    });
  void CONFIGS;
}
