// Conformance of McpServerStore (contract/mcp-servers.ts): the MCP servers lmos is a client of.
import { describe, expect, it } from "vitest";
import { newId } from "../ids.ts";
import type { McpServerRecord, McpServerStore } from "../types.ts";
import { at, expectCode, type Part, useStore } from "./fixtures.testkit.ts";

function mcpServer(over: Partial<McpServerRecord> = {}): McpServerRecord {
  return {
    id: newId("mcp_server"),
    name: "notes",
    type: "stdio",
    command: "node",
    args: ["server.js"],
    env: { TOKEN: "t" },
    url: null,
    authHeader: null,
    authToken: null,
    headers: {},
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
  };
}

/** MCP server records: create, read by id and name, list, update, delete. */
export function mcpServerSuite(open: () => Promise<Part<McpServerStore>>): void {
  const store = useStore(open);

  describe("mcp servers", () => {
    it("stores a server and finds it by id and by name", async () => {
      const s = mcpServer();
      await store().createMcpServer(s);
      expect(await store().getMcpServer(s.id)).toEqual(s);
      expect(await store().getMcpServerByName("notes")).toEqual(s);
      expect(await store().getMcpServerByName("other")).toBeNull();
    });

    it("lists, updates and deletes", async () => {
      const a = mcpServer({ name: "a" });
      const b = mcpServer({
        name: "b",
        type: "streamable_http",
        command: null,
        args: [],
        url: "http://x/mcp",
      });
      await store().createMcpServer(a);
      await store().createMcpServer(b);
      expect((await store().listMcpServers({})).map((s) => s.name).sort()).toEqual(["a", "b"]);
      const updated = await store().updateMcpServer(b.id, { authToken: "secret", updatedAt: at(1) });
      expect(updated.authToken).toBe("secret");
      expect((await store().getMcpServer(b.id))?.authToken).toBe("secret");
      await store().deleteMcpServer(a.id);
      expect(await store().getMcpServer(a.id)).toBeNull();
      await expectCode(store().updateMcpServer(a.id, { name: "z" }), "not_found");
    });
  });
}
