// Entry of a sandbox worker thread: loads the interpreter of its language, says it is ready, then runs
// one call at a time. Everything it needs comes through workerData and messages; its environment is
// empty (the pool starts it with env: {}), and hardenRealm has cut its way back to Node before a call.
import { parentPort, workerData } from "node:worker_threads";
import type { RunRequest, WorkerData, WorkerMessage } from "./protocol.ts";

const port = parentPort;
if (!port) throw new Error("the sandbox worker must run on a worker thread");
const data = workerData as WorkerData;
const control = new Int32Array(data.control);
const post = (m: WorkerMessage) => port.postMessage(m);

try {
  const run =
    data.language === "python"
      ? await (await import("./python-worker.ts")).startPython(control, data.http)
      : await (await import("./js-worker.ts")).startJavaScript(control);
  let chain: Promise<void> = Promise.resolve();
  port.on("message", (req: RunRequest) => {
    chain = chain.then(async () => post(await run(req)));
  });
  post({ type: "ready" });
} catch (e) {
  post({ type: "boot-failed", message: e instanceof Error ? e.message : String(e) });
}
