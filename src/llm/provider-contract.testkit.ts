// The contract every Provider driver must meet, run over real HTTP against the scripted model.
// Usage (in a driver's test file): providerContract("openai-compatible", (model, opts) => createProvider(...)).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScriptedModel, startScriptedModel } from "../../test/scripted-model.ts";
import type { ChatDelta, ChatRequest, Provider } from "./types.ts";

/** Builds the driver under test, pointed at the scripted model, with the given retry/timeout settings. */
export type MakeProvider = (
  model: ScriptedModel,
  opts: { maxRetries: number; timeoutMs: number },
) => Provider;

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "scripted-model",
  messages: [
    { role: "system", content: "You are a test agent." },
    { role: "user", content: "hello" },
  ],
  tools: [
    { name: "send_message", description: "Say something", parameters: { type: "object", properties: {} } },
    { name: "lookup", description: "Look up", parameters: { type: "object", properties: {} } },
  ],
  ...over,
});

/** Registers the provider contract tests for one driver. */
export function providerContract(name: string, makeProvider: MakeProvider): void {
  describe(`provider contract: ${name}`, () => {
    let model: ScriptedModel;
    let provider: Provider;
    beforeAll(async () => {
      model = await startScriptedModel();
    });
    afterAll(async () => {
      await model.close();
    });
    beforeEach(() => {
      model.requests.length = 0;
      provider = makeProvider(model, { maxRetries: 2, timeoutMs: 30_000 });
    });

    it("returns a plain reply with stop, usage, and the request as sent", async () => {
      model.push({ content: "Hi there." });
      const r = await provider.chat(request());
      expect(r).toMatchObject({ text: "Hi there.", toolCalls: [], finishReason: "stop" });
      expect(r.usage.promptTokens).toBeGreaterThan(0);
      expect(r.usage.totalTokens).toBe(r.usage.promptTokens + r.usage.completionTokens);
      expect(model.lastSystemPrompt()).toBe("You are a test agent.");
      expect(model.requests[0]).toMatchObject({ model: "scripted-model", lastUserText: "hello" });
      expect(model.requests[0].toolNames).toEqual(["send_message", "lookup"]);
    });

    it("hands onRequest the body exactly as the server received it, plain and streamed", async () => {
      for (const streamed of [false, true]) {
        model.requests.length = 0;
        model.push({ content: "Hi." });
        const bodies: Array<() => unknown> = [];
        await provider.chat(request(), {
          onRequest: (body) => bodies.push(body),
          ...(streamed ? { onDelta: () => {} } : {}),
        });
        expect(bodies).toHaveLength(1);
        expect(bodies[0]()).toEqual(model.requests[0].body);
      }
    });

    it("returns several tool calls with ids, names and arguments intact", async () => {
      const args = { message: 'line one\nline "two"', n: [1, 2] };
      model.push({
        toolCalls: [
          { id: "call_a", name: "send_message", arguments: args },
          { id: "call_b", name: "lookup", arguments: { q: "x" } },
        ],
      });
      const r = await provider.chat(request());
      expect(r.finishReason).toBe("tool_calls");
      expect(r.toolCalls.map((c) => [c.id, c.name, JSON.parse(c.arguments)])).toEqual([
        ["call_a", "send_message", args],
        ["call_b", "lookup", { q: "x" }],
      ]);
    });

    it("sends tool calls and tool results back in the model's own format", async () => {
      model.push((req) => ({ content: `result was ${req.lastToolResult}` }));
      const r = await provider.chat(
        request({
          messages: [
            { role: "system", content: "sys" },
            { role: "user", content: "look it up" },
            {
              role: "assistant",
              content: null,
              toolCalls: [{ id: "call_1", name: "lookup", arguments: "{}" }],
            },
            { role: "tool", toolCallId: "call_1", name: "lookup", content: "42" },
          ],
        }),
      );
      expect(r.text).toBe("result was 42");
      const seen = model.requests[0].messages.map((m) => m.role);
      expect(seen).toEqual(["system", "user", "assistant", "tool"]);
      expect(model.requests[0].messages[2].toolCalls?.[0]).toMatchObject({ id: "call_1", name: "lookup" });
    });

    it("streams deltas that concatenate to the same result as a non-streaming call", async () => {
      const reply = {
        content: "Streaming works fine.",
        reasoning: "Let me think about this.",
        toolCalls: [{ id: "call_s", name: "send_message", arguments: { message: "a streamed argument" } }],
      };
      model.push(reply, reply);
      const plain = await provider.chat(request());
      const deltas: ChatDelta[] = [];
      const streamed = await provider.chat(request(), { onDelta: (d) => deltas.push(d) });
      expect(streamed).toEqual(plain);
      const join = (type: ChatDelta["type"]) =>
        deltas
          .filter((d) => d.type === type)
          .map((d) => (d.type === "tool-call-delta" ? d.argumentsDelta : d.text))
          .join("");
      expect(join("text-delta")).toBe(streamed.text);
      expect(join("reasoning-delta")).toBe("Let me think about this.");
      expect(join("tool-call-delta")).toBe(streamed.toolCalls[0].arguments);
      expect(deltas.filter((d) => d.type === "text-delta").length).toBeGreaterThan(1);
      expect(deltas.find((d) => d.type === "tool-call-delta" && d.name)).toMatchObject({
        index: 0,
        name: "send_message",
      });
      expect(streamed.usage.promptTokens).toBeGreaterThan(0);
      expect(streamed.reasoning).toBe("Let me think about this.");
    });

    it("passes malformed tool-call argument text through verbatim", async () => {
      const bad = '{"message": "unterminated';
      model.push({ toolCalls: [{ name: "send_message", arguments: bad }] });
      model.push({ toolCalls: [{ name: "send_message", arguments: bad }] });
      expect((await provider.chat(request())).toolCalls[0].arguments).toBe(bad);
      expect((await provider.chat(request(), { onDelta: () => {} })).toolCalls[0].arguments).toBe(bad);
    });

    it("retries a 500 and succeeds", async () => {
      model.push({ status: 500 }, { content: "recovered" });
      const r = await provider.chat(request());
      expect(r.text).toBe("recovered");
      expect(model.requests).toHaveLength(2);
    });

    it("sends again, at once and without a retry, a request whose pooled socket the provider reset", async () => {
      const strict = makeProvider(model, { maxRetries: 0, timeoutMs: 30_000 });
      model.push({ content: "first" });
      await strict.chat(request()); // leaves a kept-alive socket in the pool
      model.push({ fault: "reset-socket" }, { content: "after the reset" });
      expect((await strict.chat(request())).text).toBe("after the reset");
      expect(model.requests).toHaveLength(3);
    });

    it("gives up with provider_error after the retries, naming the status", async () => {
      model.push({ status: 500 }, { status: 500 }, { status: 500 });
      const err = await provider.chat(request()).catch((e) => e);
      expect(err).toMatchObject({ name: "LmosError", code: "provider_error" });
      expect(err.message).toMatch(/500/);
      expect(err.cause).toBeDefined();
      expect(model.requests).toHaveLength(3);
    });

    it("reports provider_timeout when the model takes longer than the timeout", async () => {
      const quick = makeProvider(model, { maxRetries: 0, timeoutMs: 150 });
      model.push({ delayMs: 5_000 });
      await expect(quick.chat(request())).rejects.toMatchObject({ code: "provider_timeout" });
    });

    it("cancels when the abort signal fires", async () => {
      model.push({ delayMs: 5_000 });
      const ac = new AbortController();
      const pending = provider.chat(request(), { signal: ac.signal, onDelta: () => {} });
      while (model.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      await expect(pending).rejects.toMatchObject({ code: "cancelled" });
      expect(model.requests).toHaveLength(1);
    });
  });
}
