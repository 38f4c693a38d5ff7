import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_SETTINGS } from "../store/index.ts";
import {
  BASE_TOOL_NAMES,
  baseTools,
  formatToolResult,
  parseToolArguments,
  ToolRegistry,
  toolSpec,
} from "./index.ts";

const settings = DEFAULT_AGENT_SETTINGS;
const byName = (name: string) => baseTools(settings).find((d) => d.name === name)!;

describe("baseTools and toolSpec", () => {
  it("offers send_message only when replies go through it", () => {
    expect(baseTools(settings).map((d) => d.name)).toEqual([...BASE_TOOL_NAMES]);
    expect(baseTools({ ...settings, replyMode: "text" }).map((d) => d.name)).not.toContain("send_message");
  });

  it("shows JSON Schemas with request_heartbeat on every tool but send_message when heartbeats are on", () => {
    const append = toolSpec(byName("core_memory_append"), { heartbeats: true });
    expect(append.parameters).toMatchObject({
      type: "object",
      properties: {
        label: { type: "string" },
        content: { type: "string" },
        request_heartbeat: { type: "boolean", description: expect.stringContaining("heartbeat") },
      },
      required: ["label", "content", "request_heartbeat"],
    });
    expect(append.parameters).not.toHaveProperty("$schema");
    const send = toolSpec(byName("send_message"), { heartbeats: true });
    expect(JSON.stringify(send)).not.toContain("request_heartbeat");
    const off = toolSpec(byName("conversation_search"), { heartbeats: false });
    expect(JSON.stringify(off)).not.toContain("request_heartbeat");
    expect(off.parameters).toMatchObject({ required: ["query"] });
  });
});

describe("parseToolArguments", () => {
  const append = byName("core_memory_append");
  const search = byName("archival_memory_search");

  it('accepts valid arguments and reads request_heartbeat as bool or "true"', () => {
    expect(
      parseToolArguments(append, '{"label":"human","content":"x","request_heartbeat":true}', {
        heartbeats: true,
      }),
    ).toEqual({
      ok: true,
      args: { label: "human", content: "x" },
      requestHeartbeat: true,
    });
    const r = parseToolArguments(append, '{"label":"human","content":"x","request_heartbeat":"true"}', {
      heartbeats: true,
    });
    expect(r).toMatchObject({ ok: true, requestHeartbeat: true });
    expect(parseToolArguments(append, '{"label":"human","content":"x"}', { heartbeats: true })).toMatchObject(
      {
        ok: true,
        requestHeartbeat: false,
      },
    );
    expect(parseToolArguments(search, "", { heartbeats: false })).toMatchObject({ ok: false });
  });

  it("explains unparsable JSON, non-objects, wrong types and missing fields", () => {
    const bad = (raw: string) => {
      const r = parseToolArguments(append, raw, { heartbeats: true });
      if (r.ok) throw new Error("expected an error");
      return r.error;
    };
    expect(bad('{"content": "unterminated')).toMatch(
      /arguments of core_memory_append are not valid JSON .*Call it again with a JSON object/,
    );
    expect(bad("[1,2]")).toContain("must be a JSON object");
    const typed = bad('{"label": 5, "content": ["x"]}');
    expect(typed).toContain("- label: expected string, got number 5");
    expect(typed).toContain('- content: expected string, got array ["x"]');
    expect(bad('{"label":"human"}')).toContain("- content: missing (required, string)");
    const mode = parseToolArguments(search, '{"query":"q","tag_match_mode":"some"}', { heartbeats: false });
    expect(mode.ok ? "" : mode.error).toMatch(/tag_match_mode: .*"any".*"all"/);
  });
});

describe("formatToolResult", () => {
  it("packages status, message and time, truncating very long messages", () => {
    const r = JSON.parse(formatToolResult("OK", "done", "2026-03-01T14:05:09.000Z"));
    expect(r).toEqual({ status: "OK", message: "done", time: "2026-03-01 02:05:09 PM UTC+0000" });
    const long = JSON.parse(formatToolResult("Failed", "x".repeat(100), "2026-03-01T14:05:09.000Z", 10));
    expect(long.message).toBe(
      `${"x".repeat(10)}... [NOTE: function output was truncated: 90 more characters]`,
    );
  });
});

describe("ToolRegistry", () => {
  it("maps names to definitions and refuses duplicates unless replacing", () => {
    const registry = new ToolRegistry(baseTools(settings));
    expect(registry.get("core_memory_append")?.name).toBe("core_memory_append");
    expect(registry.get("nope")).toBeNull();
    const custom = { ...byName("send_message"), name: "my_tool" };
    registry.register(custom);
    expect(registry.names()).toContain("my_tool");
    expect(() => registry.register(custom)).toThrow(/already registered/);
    registry.register({ ...custom, description: "v2" }, { replace: true });
    expect(registry.get("my_tool")?.description).toBe("v2");
  });
});
