// /openapi.json, generated from the route table's zod schemas (z.toJSONSchema), so clients can be
// generated for the same subset the Letta client uses.
import { z } from "zod";
import type { RouteDef } from "./route-table.ts";
import { errorBodySchema } from "./schemas/common.ts";

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "openapi-3.0" }) as Json;
  delete out.$schema;
  return out;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query"): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === "path" || (s.required ?? []).includes(name),
    schema: prop,
  }));
}

function operationId(def: RouteDef): string {
  const words = def.path
    .replace(/^\/v1\//, "")
    .split("/")
    .filter((w) => w && !w.startsWith("{"))
    .map((w) => w.replace(/-/g, "_"));
  return [def.method, ...words].join("_");
}

const errorResponse = {
  description:
    "Error: `{detail, code, message}` (400 bad JSON, 401 no or revoked key, 403 a read key's write, 404 unknown or another project's id, 409, 413, 422 invalid input)",
  content: { "application/json": { schema: jsonSchema(errorBodySchema) } },
};

/** The OpenAPI 3 document of the routes. */
export function openApiDocument(routes: RouteDef[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const seen = new Map<string, number>();
  for (const def of routes) {
    let id = operationId(def);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n) id = `${id}_${n + 1}`;
    const ok: Json = { description: "OK" };
    if (def.sse) {
      ok.content = {
        ...(def.sse === "maybe" && def.response
          ? { "application/json": { schema: jsonSchema(def.response) } }
          : {}),
        "text/event-stream": {
          schema: {
            type: "string",
            description: "SSE: `data: <Letta message>` frames, then stop_reason, usage_statistics, [DONE]",
          },
        },
      };
    } else if (def.response) {
      ok.content = { "application/json": { schema: jsonSchema(def.response) } };
    }
    const op: Json = {
      operationId: id,
      summary: def.summary,
      tags: [def.tag],
      parameters: [...parameters(def.params, "path"), ...parameters(def.query, "query")],
      responses: { "200": ok, default: errorResponse },
    };
    // A POST that only reads (a search): a read-scope API key may call it.
    if (def.readOnly) op["x-lmos-read-only"] = true;
    if (def.body) {
      op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(def.body) } } };
    } else if (def.multipart) {
      op.requestBody = {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: { [def.multipart]: { type: "string", format: "binary" } },
              required: [def.multipart],
            },
          },
        },
      };
    }
    paths[def.path] ??= {};
    paths[def.path][def.method] = op;
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "lmos",
      version,
      description: "lmos REST API: a Letta-compatible subset (works with @letta-ai/letta-client).",
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}
