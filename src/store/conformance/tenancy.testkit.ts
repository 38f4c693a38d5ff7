// Conformance of TenancyStore (contract/tenancy.ts) and of the project filter of every list: keys stored
// and revoked, owners claimed once, and lists that count only a project's rows before paging.
import { describe, expect, it } from "vitest";
import { newId } from "../ids.ts";
import type { ApiKeyRecord, Store } from "../types.ts";
import { agent, at, block, expectCode, group, run, source, tool, useStore } from "./fixtures.testkit.ts";

function key(over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: newId("key"),
    name: "ci",
    prefix: "lmos_sk_abcd",
    hash: "a".repeat(64),
    project: "acme",
    scope: "full",
    createdAt: at(0),
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}

/** API keys, resource owners, and lists filtered by project in the query. */
export function tenancySuite(open: () => Promise<Store>): void {
  const store = useStore(open);

  describe("api keys", () => {
    it("finds a key by hash, stamps its use, revokes it once", async () => {
      expect(await store().hasApiKeys()).toBe(false);
      const k = key();
      await store().createApiKey(k);
      await store().createApiKey(key({ hash: "b".repeat(64), scope: "read", createdAt: at(1) }));
      expect(await store().hasApiKeys()).toBe(true);
      expect(await store().findApiKey(k.hash)).toEqual(k);
      expect(await store().findApiKey("c".repeat(64))).toBeNull();
      await store().touchApiKey(k.id, at(5));
      expect((await store().findApiKey(k.hash))?.lastUsedAt).toBe(at(5));
      expect((await store().revokeApiKey(k.id, at(6))).revokedAt).toBe(at(6));
      expect((await store().revokeApiKey(k.id, at(7))).revokedAt).toBe(at(6));
      const list = await store().listApiKeys();
      expect(await store().hasApiKeys()).toBe(true);
      expect(list.map((x) => [x.scope, x.revokedAt])).toEqual([
        ["full", at(6)],
        ["read", null],
      ]);
      await expectCode(store().revokeApiKey("key-nope", at(8)), "not_found");
      await expectCode(store().createApiKey(key({ id: newId("key") })), "conflict");
    });
  });

  describe("resource owners", () => {
    it("keeps the first owner and leaves unclaimed ids to the default project", async () => {
      await store().claimResources(["agent-1", "block-1"], "acme");
      await store().claimResources(["agent-1", "tool-1"], "other");
      const owners = await store().resourceProjects(["agent-1", "block-1", "tool-1", "agent-2"]);
      expect(Object.fromEntries(owners)).toEqual({ "agent-1": "acme", "block-1": "acme", "tool-1": "other" });
      expect((await store().resourceProjects([])).size).toBe(0);
    });

    it("filters every list by project before paging", async () => {
      const s = store();
      const mine = [agent({ name: "a1", createdAt: at(1) }), agent({ name: "a2", createdAt: at(3) })];
      const theirs = agent({ name: "b1", createdAt: at(2) });
      const plain = agent({ name: "d1", createdAt: at(4) });
      for (const a of [...mine, theirs, plain]) await s.createAgent(a, [], []);
      const b = block({ createdAt: at(1) });
      await s.createBlock(b);
      await s.createBlock(block({ createdAt: at(2) }));
      const custom = tool({ name: "mine", toolType: "custom" });
      const builtIn = tool({ name: "send_message" });
      await s.upsertTool(custom);
      await s.upsertTool(tool({ name: "theirs", toolType: "custom" }));
      await s.upsertTool(builtIn);
      const src = source({ name: "docs" });
      await s.createSource(src);
      const g = group([mine[0].id]);
      await s.createGroup(g);
      const r = run(mine[0].id);
      await s.createRun(r);
      await s.createRun(run(theirs.id));
      await s.claimResources([...mine.map((a) => a.id), b.id, custom.id, src.id, g.id], "acme");
      await s.claimResources([theirs.id], "other");

      const names = async (project: string, limit?: number) =>
        (await s.listAgents({ project, limit })).map((a) => a.name);
      expect(await names("acme")).toEqual(["a1", "a2"]);
      // The limit counts the project's rows only: a page of 1 is the project's first agent.
      expect(await names("other", 1)).toEqual(["b1"]);
      expect(await names("default")).toEqual(["d1"]);
      expect((await s.listAgents({})).length).toBe(4);
      expect((await s.listAgents({ project: "acme", after: mine[0].id })).map((a) => a.name)).toEqual(["a2"]);
      expect((await s.listBlocks({ project: "acme" })).map((x) => x.id)).toEqual([b.id]);
      expect((await s.listBlocks({ project: "default" })).length).toBe(1);
      expect((await s.listTools({ project: "acme" })).map((x) => x.name).sort()).toEqual([
        "mine",
        "send_message",
      ]);
      expect((await s.listTools({ project: "default" })).map((x) => x.name).sort()).toEqual([
        "send_message",
        "theirs",
      ]);
      expect((await s.listSources({ project: "acme" })).map((x) => x.id)).toEqual([src.id]);
      expect(await s.listSources({ project: "other" })).toEqual([]);
      expect((await s.listGroups({ project: "acme" })).map((x) => x.id)).toEqual([g.id]);
      expect(await s.listGroups({ project: "default" })).toEqual([]);
      expect(await s.listMcpServers({ project: "acme" })).toEqual([]);
      expect((await s.listRuns({ project: "acme" })).map((x) => x.id)).toEqual([r.id]);
      expect((await s.listRuns({ project: "default" })).length).toBe(0);
    });
  });
}
