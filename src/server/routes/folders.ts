// /v1/folders (Letta's name for sources): folders, their files (multipart upload), and agent attachment.
import type { Context } from "hono";
import { z } from "zod";
import { LmosError } from "../../errors.ts";
import { fileToLetta, folderToLetta } from "../letta/records.ts";
import { readBodyBytes } from "../read-input.ts";
import {
  agentPath,
  agentStateSchema,
  deletedSchema,
  fileSchema,
  folderPath,
  folderSchema,
} from "../schemas/common.ts";
import {
  agentFolderPath,
  createFolderBody,
  folderFilePath,
  listFilesQuery,
  listFoldersQuery,
  retrieveFileQuery,
  updateFolderBody,
  uploadQuery,
} from "../schemas/tools-folders.ts";
import { agentState, deleted, type RouteContext } from "./context.ts";
import { projectOf } from "../tenancy/index.ts";

/** The multipart part "file" of an upload, read within the limit (LMOS_MAX_UPLOAD_BYTES). */
async function uploadedFile(c: Context, maxBytes: number): Promise<{ name: string; data: Uint8Array }> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new LmosError(
      "bad_request",
      'upload: send multipart/form-data with the file in a part named "file"',
    );
  }
  const bytes = await readBodyBytes(c, { bytes: maxBytes, env: "LMOS_MAX_UPLOAD_BYTES" });
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw new LmosError("bad_request", "upload: the multipart body could not be parsed");
  }
  const file = form.get("file");
  if (!file || typeof file === "string") {
    throw new LmosError("invalid_argument", 'upload: the form has no file part named "file"');
  }
  return { name: file.name || "upload", data: new Uint8Array(await file.arrayBuffer()) };
}

/** Registers the folder routes. */
export function folderRoutes({ lmos, table, limits }: RouteContext): void {
  const tag = "folders";
  const { sources } = lmos;

  table.add(
    {
      method: "post",
      path: "/v1/folders/",
      tag,
      summary: "Create a folder",
      body: createFolderBody,
      response: folderSchema,
    },
    async ({ body }) => {
      const embedding = body.embedding ?? body.embedding_config?.handle ?? undefined;
      const folder = await sources.create({
        name: body.name,
        ...(body.description ? { description: body.description } : {}),
        ...(body.instructions ? { instructions: body.instructions } : {}),
        ...(embedding ? { embedding } : {}),
      });
      return folderToLetta(folder);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/folders/",
      tag,
      summary: "List folders",
      query: listFoldersQuery,
      response: z.array(folderSchema),
    },
    async ({ c, query }) =>
      (
        await sources.list({
          project: projectOf(c),
          name: query.name,
          limit: query.limit,
          after: query.after,
          before: query.before,
          order: query.order,
        })
      ).map(folderToLetta),
  );
  table.add(
    {
      method: "get",
      path: "/v1/folders/{folder_id}",
      tag,
      summary: "Retrieve a folder",
      params: folderPath,
      response: folderSchema,
    },
    async ({ params }) => folderToLetta(await sources.get(params.folder_id)),
  );
  table.add(
    {
      method: "patch",
      path: "/v1/folders/{folder_id}",
      tag,
      summary: "Modify a folder",
      params: folderPath,
      body: updateFolderBody,
      response: folderSchema,
    },
    async ({ params, body }) => {
      const patch = {
        ...(body.name ? { name: body.name } : {}),
        ...(body.description != null ? { description: body.description } : {}),
        ...(body.instructions != null ? { instructions: body.instructions } : {}),
      };
      return folderToLetta(await sources.update(params.folder_id, patch));
    },
  );
  table.add(
    {
      method: "delete",
      path: "/v1/folders/{folder_id}",
      tag,
      summary: "Delete a folder with its files",
      params: folderPath,
      response: deletedSchema,
    },
    async ({ params }) => {
      const folder = await sources.get(params.folder_id);
      await sources.delete(folder.id);
      return deleted("Folder", folder.id);
    },
  );

  table.add(
    {
      method: "post",
      path: "/v1/folders/{folder_id}/upload",
      tag,
      summary: 'Upload a file (multipart part "file"); parsed, chunked and embedded before the answer',
      params: folderPath,
      query: uploadQuery,
      multipart: "file",
      response: fileSchema,
    },
    async ({ c, params, query }) => {
      const folder = await sources.get(params.folder_id);
      const file = await uploadedFile(c, limits.maxUploadBytes);
      const name = query.name ?? file.name;
      // A bad name is refused by sources.upload (422) before anything is stored; no stored file can match it.
      if (query.duplicate_handling === "error" || query.duplicate_handling === "skip") {
        const existing = (await sources.files(folder.id, { limit: 100_000 })).find(
          (f) => f.fileName === name,
        );
        if (existing && query.duplicate_handling === "skip") return fileToLetta(existing);
        if (existing)
          throw new LmosError("conflict", `folder "${folder.name}" already has a file named "${name}"`);
      }
      return fileToLetta(await sources.upload(folder.id, { name, data: file.data }));
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/folders/{folder_id}/files",
      tag,
      summary: "List a folder's files",
      params: folderPath,
      query: listFilesQuery,
      response: z.array(fileSchema),
    },
    async ({ params, query }) => {
      const files = await sources.files(params.folder_id, {
        limit: query.limit,
        after: query.after,
        before: query.before,
        order: query.order,
      });
      return files.map((f) => fileToLetta(f, query.include_content ?? false));
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/folders/{folder_id}/files/{file_id}",
      tag,
      summary: "Retrieve a file",
      params: folderFilePath,
      query: retrieveFileQuery,
      response: fileSchema,
    },
    async ({ params, query }) =>
      fileToLetta(await sources.getFile(params.folder_id, params.file_id), query.include_content ?? false),
  );
  table.add(
    {
      method: "delete",
      path: "/v1/folders/{folder_id}/{file_id}",
      tag,
      summary: "Delete a file and its passages",
      params: folderFilePath,
    },
    async ({ c, params }) => {
      await sources.deleteFile(params.folder_id, params.file_id);
      return c.body(null, 204);
    },
  );
  table.add(
    {
      method: "get",
      path: "/v1/folders/{folder_id}/agents",
      tag,
      summary: "Ids of the agents a folder is attached to",
      params: folderPath,
      response: z.array(z.string()),
    },
    async ({ params }) => sources.agents(params.folder_id),
  );

  table.add(
    {
      method: "get",
      path: "/v1/agents/{agent_id}/folders",
      tag,
      summary: "List an agent's folders",
      params: agentPath,
      response: z.array(folderSchema),
    },
    async ({ params }) => (await (await lmos.agents.get(params.agent_id)).state()).sources.map(folderToLetta),
  );
  for (const action of ["attach", "detach"] as const) {
    table.add(
      {
        method: "patch",
        path: `/v1/agents/{agent_id}/folders/${action}/{folder_id}`,
        tag,
        summary: `${action === "attach" ? "Attach" : "Detach"} a folder`,
        params: agentFolderPath,
        response: agentStateSchema,
      },
      async ({ params }) => {
        const handle = await lmos.agents.get(params.agent_id);
        await sources[action](params.folder_id, handle.id);
        return agentState(lmos, handle.id);
      },
    );
  }
}
