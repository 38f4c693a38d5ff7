// The sandbox's public face: the pool and its contract.
export { createSandboxPool, type SandboxPoolOptions } from "./pool.ts";
export type * from "./types.ts";
