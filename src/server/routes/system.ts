// Health and the models the configuration can reach.
import { z } from "zod";
import { embeddingModelToLetta, modelToLetta } from "../letta/records.ts";
import type { RouteContext } from "./context.ts";

/** Registers /v1/health and /v1/models. */
export function systemRoutes({ lmos, table }: RouteContext, version: string): void {
  table.add(
    {
      method: "get",
      path: "/v1/health/",
      tag: "system",
      summary: "Health check (no auth needed)",
      response: z.object({ status: z.string(), version: z.string() }),
    },
    () => ({ status: "ok", version }),
  );
  table.add(
    {
      method: "get",
      path: "/v1/models/",
      tag: "models",
      summary: "Models the configuration can reach",
      query: z.object({ provider_name: z.string().optional() }),
      response: z.array(z.looseObject({ handle: z.string(), context_window: z.number() })),
    },
    ({ query }) =>
      lmos
        .models()
        .filter((m) => !query.provider_name || m.provider === query.provider_name)
        .map(modelToLetta),
  );
  table.add(
    {
      method: "get",
      path: "/v1/models/embedding",
      tag: "models",
      summary: "Embedding models the configuration can reach",
      response: z.array(z.looseObject({ handle: z.string(), embedding_dim: z.number() })),
    },
    () => lmos.embeddingModels().map(embeddingModelToLetta),
  );
}
