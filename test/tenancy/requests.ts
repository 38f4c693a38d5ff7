// Requests for the isolation test, built from /openapi.json so that a new route is covered without
// touching the test: every path parameter gets an id of one project or the other, and every body is built
// from the route's schema with ids of the target project in every field that names a resource.
import type { JsonSchema } from "../fuzz/schema-arbitrary.ts";
import type { OpenApi } from "../fuzz/requests.ts";

/** A project's resources, by path parameter name (agent_id, block_id, ...). */
export type Ids = Record<string, string>;

export interface Route {
  method: string;
  /** OpenAPI path, e.g. /v1/agents/{agent_id}. */
  path: string;
  params: string[];
  body: JsonSchema | null;
  multipart: boolean;
  readOnly: boolean;
}

/** Every operation of the document. */
export function routesOf(doc: OpenApi): Route[] {
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const o = op as typeof op & { "x-lmos-read-only"?: boolean };
      const content = o.requestBody?.content ?? {};
      out.push({
        method: method.toUpperCase(),
        path,
        params: (o.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
        body: content["application/json"]?.schema ?? null,
        multipart: !!content["multipart/form-data"],
        readOnly: o["x-lmos-read-only"] === true,
      });
    }
  }
  return out;
}

/** The path with each parameter taken from `pick(name)`. */
export function fillPath(route: Route, pick: (name: string) => string): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pick(name)));
}

// Which resource a body field names, by its name (block_ids → block_id, folder_ids → folder_id, ...).
function idKind(field: string): string | null {
  const m = /(^|_)(agent|block|tool|source|folder|file|group|mcp_server|run|step|passage|message)_ids?$/.exec(
    field,
  );
  if (!m) return null;
  return `${m[2] === "source" ? "folder" : m[2]}_id`;
}

/** A JSON value for `schema`: ids of `ids` in every resource field, the simplest valid value elsewhere. */
export function bodyFor(schema: JsonSchema, ids: Ids, field = "", depth = 0): unknown {
  const kind = idKind(field);
  if (kind) {
    const id = ids[kind] ?? ids.agent_id;
    return field.endsWith("_ids") || schema.type === "array" ? [id] : id;
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) {
    const first = options.find((s) => s.type !== "null") ?? options[0];
    return bodyFor(first, ids, field, depth);
  }
  if (schema.enum?.length) return schema.enum[0];
  if (depth > 6) return null;
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        // Required fields always; optional ones too when they name a resource.
        if ((schema.required ?? []).includes(name) || idKind(name)) {
          out[name] = bodyFor(prop, ids, name, depth + 1);
        }
      }
      return out;
    }
    case "array":
      return schema.items ? [bodyFor(schema.items, ids, field, depth + 1)] : [];
    case "integer":
    case "number":
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return false;
    case "string":
      return field === "name" || field === "label" ? `probe_${depth}` : "probe";
    default:
      return {};
  }
}
