// One HTTP request of the benches on a kept-alive socket of the caller's agent (each bench sizes its own
// pool): a JSON body, or raw bytes with their content type (uploads); resolves with status and body text.
import { type Agent, request } from "node:http";

export interface Answer {
  status: number;
  text: string;
}

export function httpCall(
  agent: Agent,
  url: string,
  method: string,
  body?: unknown,
  raw?: { type: string; data: Buffer },
  timeoutMs?: number,
): Promise<Answer> {
  const payload = raw ? raw.data : body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: payload
          ? { "content-type": raw?.type ?? "application/json", "content-length": payload.length }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    if (timeoutMs)
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on("error", reject);
    req.end(payload);
  });
}
