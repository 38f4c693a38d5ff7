// Letta's agent files: GET (or POST, with options) /v1/agents/{agent_id}/export answers the agent as an
// .af JSON document; POST /v1/agents/import takes one as the multipart part "file" and answers the ids
// of the agents it created.
import type { Context } from "hono";
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import { exportAgentFile } from "../letta/agent-file-export.ts";
import { importAgentFile } from "../letta/agent-file-import.ts";
import { qBool, readBodyBytes } from "../read-input.ts";
import { agentPath, opt } from "../schemas/common.ts";
import type { RouteContext } from "./context.ts";
import { projectOf } from "../tenancy/index.ts";

const exportQuery = z.object({
  scrub_messages: qBool.optional(),
  use_legacy_format: qBool.optional(),
  max_steps: z.string().optional(),
  conversation_id: z.string().optional(),
});
const exportBody = z.object({
  scrub_messages: opt(z.boolean()),
  conversation_id: opt(z.string()),
  skills: opt(z.array(z.unknown())),
});
const fileSchema = z.looseObject({ agents: z.array(z.unknown()) });

/** The form of an import: the file's text and the options Letta's route takes (new names before deprecated). */
async function importForm(c: Context, maxBytes: number) {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new LmosError(
      "bad_request",
      'import: send multipart/form-data with the agent file in a part named "file"',
    );
  }
  const bytes = await readBodyBytes(c, { bytes: maxBytes, env: "LMOS_MAX_UPLOAD_BYTES" });
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw new LmosError("bad_request", "import: the multipart body could not be parsed");
  }
  const file = form.get("file");
  if (!file || typeof file === "string")
    throw new LmosError("invalid_argument", 'import: no part named "file"');
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const flag = (k: string) => (text(k) === undefined ? undefined : /^(true|1)$/i.test(text(k)!));
  return {
    text: await file.text(),
    name: text("name") ?? text("override_name"),
    model: text("model") ?? text("override_model_handle"),
    embedding:
      text("embedding") ?? text("override_embedding_handle") ?? c.req.header("x-override-embedding-model"),
    overrideExistingTools: flag("override_existing_tools"),
    stripMessages: flag("strip_messages"),
  };
}

/** Registers the agent-file routes (before the agent routes, so /v1/agents/import is not an agent id). */
export function agentFileRoutes({ lmos, table, limits }: RouteContext): void {
  const tag = "agents";
  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/export",
      tag,
      summary: "Export the agent as a Letta agent file (.af JSON)",
      params: agentPath,
      query: exportQuery,
      response: fileSchema,
    },
    async ({ params, query }) => {
      if (query.use_legacy_format) throw new LmosError("bad_request", "Legacy format is not supported");
      return exportAgentFile(lmos, params.agent_id, { scrubMessages: query.scrub_messages });
    },
  );
  table.add(
    {
      method: "post",
      path: "/v1/agents/{agent_id}/export",
      tag,
      readOnly: true,
      summary: "Export the agent as a Letta agent file, with options in the body",
      params: agentPath,
      body: exportBody,
      response: fileSchema,
    },
    async ({ params, body }) =>
      exportAgentFile(lmos, params.agent_id, { scrubMessages: body?.scrub_messages ?? undefined }),
  );
  table.add(
    {
      method: "post",
      path: "/v1/agents/import",
      tag,
      summary: 'Import a Letta agent file (multipart part "file"); answers the new agents\' ids',
      multipart: "file",
      response: z.object({ agent_ids: z.array(z.string()) }),
    },
    async ({ c }) => {
      const form = await importForm(c, limits.maxUploadBytes);
      const { text, ...options } = form;
      return { agent_ids: await importAgentFile(lmos, text, { ...options, project: projectOf(c) }) };
    },
  );
}
