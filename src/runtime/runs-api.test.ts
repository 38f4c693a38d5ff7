import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ownerIsLive } from "./runs-api.ts";

const self = { host: "here", pid: process.pid, token: "mine" };

describe("ownerIsLive", () => {
  it("tells a gone process from a live one, conservatively", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    expect(ownerIsLive(null, self)).toBe(false);
    expect(ownerIsLive({ ...self }, self)).toBe(true);
    // an earlier process that had this very pid
    expect(ownerIsLive({ ...self, token: "theirs" }, self)).toBe(false);
    expect(ownerIsLive({ host: "here", pid: dead, token: "t" }, self)).toBe(false);
    expect(ownerIsLive({ host: "here", pid: process.ppid, token: "t" }, self)).toBe(true);
    // another machine sharing the file: its processes cannot be checked from here
    expect(ownerIsLive({ host: "elsewhere", pid: dead, token: "t" }, self)).toBe(true);
    for (const pid of [0, -1, 1.5]) expect(ownerIsLive({ host: "here", pid, token: "t" }, self)).toBe(false);
  });
});
