// File upload with progress: fetch cannot report upload progress, XMLHttpRequest can. The server parses,
// chunks and indexes the file before it answers, so the bytes reach 100% before the answer comes.
import { ApiError, apiUrl, authHeaders, seg, unauthorized } from "./client.ts";
import type { FileMeta } from "./types.ts";

/** Uploads `file` into folder `folderId`; `onProgress` gets the share of bytes sent (0..1). */
export function uploadFile(
  folderId: string,
  file: File,
  onProgress: (sent: number) => void,
): Promise<FileMeta> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", apiUrl(`folders/${seg(folderId)}/upload`));
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as unknown as FileMeta);
        return;
      }
      if (xhr.status === 401) for (const f of unauthorized) f();
      reject(
        new ApiError(
          xhr.status,
          String(body.code ?? `http_${xhr.status}`),
          String(body.message ?? xhr.statusText),
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "the upload did not reach the server"));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
