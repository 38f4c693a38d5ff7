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
import { openPostgresStore, openSqliteStore, redactDatabaseUrl } from "../store/index.ts";
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
import { SCHEDULE_QUEUE, StoreJobQueue, StoreScheduler } from "./jobs/index.ts";
import { scheduleFiringHandler } from "./schedules-api.ts";
import { groupsApi } from "./groups-api.ts";
import { AgentEventBus } from "./event-bus.ts";
import { SLEEPTIME_QUEUE, sleeptimeHandler, sleeptimeTrigger } from "./sleeptime.ts";
import { AGENT_MESSAGE_QUEUE, agentMessageHandler, agentMessenger } from "./agent-messenger.ts";
import { McpConnections, mcpToolDefinitions, multiAgentTools } from "../tools/index.ts";
import { registerTrustedApi } from "./trusted-api.ts";
import type { Lmos, LmosOptions } from "./types.ts";
import { trust, validate } from "./validate.ts";

/** Opens lmos: the store in $LMOS_HOME (default ~/.lmos) or at $LMOS_DATABASE_URL (PostgreSQL), the kernel, and the public API over them. */
export async function openLmos(options: LmosOptions = {}): Promise<Lmos> {
  const config = resolveConfig(options);
  mkdirSync(config.home, { recursive: true });
  const store = config.databaseUrl
    ? await openPostgresStore(config.databaseUrl)
    : await openSqliteStore(config.databasePath, {
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
  const custom = createCustomTools(env, options.sandbox, config.home);
  // MCP servers' tools run through connections shared by every agent (closed with lmos).
  const mcp = new McpConnections({
    timeoutMs: intFromEnv(env, "LMOS_MCP_TIMEOUT_MS", 60_000, 1),
    connectTimeoutMs: intFromEnv(env, "LMOS_MCP_CONNECT_TIMEOUT_MS", 30_000, 1),
  });
  const mcpTool = mcpToolDefinitions({ connections: mcp, server: (id) => store.getMcpServer(id) });
  // The one job queue and the one scheduler of this lmos: every kind of background work runs on them.
  const jobs = new StoreJobQueue(store, {
    pollMs: intFromEnv(env, "LMOS_JOB_POLL_MS", 1_000, 10),
    leaseMs: intFromEnv(env, "LMOS_JOB_LEASE_MS", 60_000, 100),
    concurrency: intFromEnv(env, "LMOS_JOB_CONCURRENCY", 8, 1),
  });
  const experimentalCr = await experimentalCrExtensions(store, env, jobs);
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
    extensions: [createFilesContextExtension(store), ...experimentalCr.extensions],
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
  const scheduler = new StoreScheduler(store, {
    tickMs: intFromEnv(env, "LMOS_SCHEDULER_TICK_MS", 1_000, 10),
    onFired: () => jobs.poke(),
  });
  const events = new AgentEventBus();
  runner.onEvent((e) => events.publish(e.agentId, e));
  const core: RuntimeCore = { store, runner, config, modelFor, jobs, events, check: validate };
  const idleMs = intFromEnv(env, "LMOS_SLEEPTIME_IDLE_MS", 5_000, 0);
  runner.onFinish(sleeptimeTrigger(core, idleMs));
  jobs.handle(SLEEPTIME_QUEUE, sleeptimeHandler(core, events, idleMs));
  jobs.handle(SCHEDULE_QUEUE, scheduleFiringHandler(store, runner));
  deps.messenger = agentMessenger(core, {
    maxDepth: intFromEnv(env, "LMOS_CHAIN_MAX_DEPTH", 8, 1),
    maxRuns: intFromEnv(env, "LMOS_CHAIN_MAX_RUNS", 64, 2),
    replyTimeoutMs: intFromEnv(env, "LMOS_AGENT_REPLY_TIMEOUT_MS", 180_000, 100),
  });
  jobs.handle(AGENT_MESSAGE_QUEUE, agentMessageHandler(core));
  if (options.background ?? true) {
    jobs.start();
    scheduler.start();
  }
  let closed = false;

  const multiAgentToolIds = () => builtins.idsOf(multiAgentTools.map((t) => t.name));
  const lmos: Lmos = {
    store,
    async backup(path) {
      const target = resolve(path);
      return { path: target, ...(await store.backup(target)) };
    },
    config: {
      home: config.home,
      databasePath: config.databaseUrl ? null : config.databasePath,
      databaseUrl: config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : null,
      defaultModel: config.defaultModel,
      defaultEmbedding: config.defaultEmbedding,
    },
    agents: agentsApi(core, builtins.baseToolIds, multiAgentToolIds),
    blocks: blocksApi(core),
    tools: toolsApi(core, custom.defaults),
    sources: createSourcesApi({
      store,
      embedderFor,
      resolveAgentId: async (idOrName) => (await resolveAgent(core, idOrName)).id,
    }),
    runs: runsApi(store, traces),
    groups: groupsApi(core),
    jobs,
    scheduler,
    mcpServers: mcpServersApi(store, mcp, validate),
    models: () => knownModels(config),
    embeddingModels: () => knownEmbeddingModels(config),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      await scheduler.stop();
      await jobs.stop();
      await runner.drain();
      await experimentalCr.close();
      await custom.close();
      await mcp.close();
      await store.close();
    },
  };
  // The same lmos for the HTTP server, which checks its input with these schemas before calling.
  const trustedCore: RuntimeCore = { ...core, check: trust };
  registerTrustedApi(lmos, {
    ...lmos,
    agents: agentsApi(trustedCore, builtins.baseToolIds, multiAgentToolIds),
    blocks: blocksApi(trustedCore),
    tools: toolsApi(trustedCore, custom.defaults),
    groups: groupsApi(trustedCore),
    mcpServers: mcpServersApi(store, mcp, trust),
  });
  return lmos;
}
