// openLmos: the composition root — the only place that picks implementations. Reads configuration, opens
// the store, and builds providers and embedders lazily per handle (so lmos opens with no provider
// configured; sending then fails with a no_provider error that says what to set).
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createEmbedder } from "../embed/index.ts";
import { intFromEnv } from "../env.ts";
import type { Embedder } from "../embed/types.ts";
import { AgentRunner, type KernelDeps } from "../kernel/index.ts";
import { createProvider, modelInfo, parseHandle } from "../llm/index.ts";
import type { ModelInfo, Provider } from "../llm/types.ts";
import { createFilesContextExtension } from "../sources/index.ts";
import { openSqliteStore } from "../store/index.ts";
import type { AgentRecord } from "../store/types.ts";
import { agentsApi } from "./agents-api.ts";
import { blocksApi, toolsApi } from "./blocks-tools-api.ts";
import { resolveConfig } from "./config.ts";
import { type RuntimeCore, resolveAgent } from "./core.ts";
import { knownEmbeddingModels, knownModels } from "./model-lists.ts";
import { experimentalCrExtensions } from "./experimental-cr.ts";
import { failOrphanRuns, ownerIsLive, runsApi } from "./runs-api.ts";
import { createSourcesApi } from "./sources-api.ts";
import { DEFAULT_STEP_TRACES, StepTraces } from "./step-traces.ts";
import { installBuiltinTools } from "./builtin-tools.ts";
import { createCustomTools } from "./custom-tools.ts";
import { mcpServersApi } from "./mcp-api.ts";
import { McpConnections, mcpToolDefinitions } from "../tools/index.ts";
import type { Lmos, LmosOptions } from "./types.ts";

/** Opens lmos: the store in $LMOS_HOME (default ~/.lmos), the kernel, and the public API over them. */
export async function openLmos(options: LmosOptions = {}): Promise<Lmos> {
  const config = resolveConfig(options);
  mkdirSync(config.home, { recursive: true });
  const store = await openSqliteStore(config.databasePath, {
    backgroundCheckpoint: options.backgroundCheckpoint ?? true,
  });
  const { env } = config;
  await failOrphanRuns(store);
  // Another process on the file (a CLI beside `lmos serve`) may die mid-run after this one opened: look
  // again now and then, not only at open.
  const sweepMs = intFromEnv(env, "LMOS_RUN_SWEEP_MS", 60_000, 50);
  const sweep = setInterval(() => void failOrphanRuns(store).catch(() => {}), sweepMs);
  sweep.unref();

  const providers = new Map<string, Provider>();
  const providerFor = (handle: string): Provider => {
    const own = options.provider?.(handle);
    if (own) return own;
    const { provider } = parseHandle(handle);
    let p = providers.get(provider);
    if (!p) {
      p = createProvider(provider, env, handle);
      providers.set(provider, p);
    }
    return p;
  };
  const embedders = new Map<string, Embedder | null>();
  const embedderFor = (handle: string | null): Embedder | null => {
    if (!handle) return null;
    if (!embedders.has(handle)) embedders.set(handle, createEmbedder(handle, env));
    return embedders.get(handle) ?? null;
  };
  const modelFor = (agent: AgentRecord): ModelInfo => {
    const info = modelInfo(agent.model, env);
    return agent.contextWindow ? { ...info, contextWindow: agent.contextWindow } : info;
  };

  const traces = new StepTraces(
    options.stepTraces ?? intFromEnv(env, "LMOS_STEP_TRACES", DEFAULT_STEP_TRACES, 0),
  );
  const builtins = await installBuiltinTools(store);
  const custom = createCustomTools(env, options.sandbox);
  // MCP servers' tools run through connections shared by every agent (closed with lmos).
  const mcp = new McpConnections({
    timeoutMs: intFromEnv(env, "LMOS_MCP_TIMEOUT_MS", 60_000, 1),
    connectTimeoutMs: intFromEnv(env, "LMOS_MCP_CONNECT_TIMEOUT_MS", 30_000, 1),
  });
  const mcpTool = mcpToolDefinitions({ connections: mcp, server: (id) => store.getMcpServer(id) });
  const deps: KernelDeps = {
    store,
    providerFor,
    modelFor,
    embedderFor,
    // Each kind of tool record has one source of its implementation.
    toolFor: (record) =>
      record.toolType === "external_mcp"
        ? mcpTool(record)
        : (builtins.definition(record) ?? custom.definition(record)),
    extensions: [createFilesContextExtension(store), ...(await experimentalCrExtensions(store, env))],
    onStepTiming: options.onStepTiming,
    // Runs of one agent are serialised among every process on the database (kernel/lease.ts); a lease
    // whose process is gone is taken over at once, one of a live process that stopped renewing (hung)
    // once it lapses.
    leases: {
      ttlMs: intFromEnv(env, "LMOS_LEASE_TTL_MS", 15_000, 100),
      canTakeOver: (holder) => !ownerIsLive(holder.owner, store.runOwner),
    },
    onStepTrace: traces.capacity > 0 ? traces.record : undefined,
  };
  const runner = new AgentRunner(deps);
  const core: RuntimeCore = { store, runner, config, modelFor };
  let closed = false;

  return {
    store,
    async backup(path) {
      const target = resolve(path);
      return { path: target, ...(await store.backup(target)) };
    },
    config: {
      home: config.home,
      databasePath: config.databasePath,
      defaultModel: config.defaultModel,
      defaultEmbedding: config.defaultEmbedding,
    },
    agents: agentsApi(core, builtins.baseToolIds),
    blocks: blocksApi(core),
    tools: toolsApi(core),
    sources: createSourcesApi({
      store,
      embedderFor,
      resolveAgentId: async (idOrName) => (await resolveAgent(core, idOrName)).id,
    }),
    runs: runsApi(store, traces),
    mcpServers: mcpServersApi(store, mcp),
    models: () => knownModels(config),
    embeddingModels: () => knownEmbeddingModels(config),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      await runner.drain();
      await custom.close();
      await mcp.close();
      await store.close();
    },
  };
}
