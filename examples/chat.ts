// Chat with an lmos agent from the terminal, then print its memory blocks.
//   npx tsx examples/chat.ts "Hi, I'm Ada"        one message
//   npx tsx examples/chat.ts                      one message per stdin line
// Configuration comes from the environment: OPENAI_API_KEY (or OPENAI_BASE_URL for Ollama, vLLM, llama.cpp,
// LM Studio), LMOS_MODEL (e.g. openai/gpt-4o-mini), LMOS_HOME (default ~/.lmos). LMOS_AGENT picks the
// agent by name (default "chat"); it is created on first use and remembers you across runs.
import { createInterface } from "node:readline";
import { type AgentHandle, LmosError, openLmos } from "../src/index.ts";

const os = await openLmos();
const name = process.env.LMOS_AGENT ?? "chat";

async function getOrCreate(): Promise<AgentHandle> {
  try {
    return await os.agents.get(name);
  } catch (e) {
    if (LmosError.is(e) && e.code === "not_found") return os.agents.create({ name });
    throw e;
  }
}

async function say(agent: AgentHandle, text: string): Promise<void> {
  for await (const event of agent.stream(text)) {
    if (event.type === "memory-edit") console.log(`  [memory: ${event.tool} edited "${event.label}"]`);
    if (event.type === "message" && event.message.role === "assistant") {
      for (const call of event.message.toolCalls) {
        if (call.name === "send_message") {
          const args = JSON.parse(call.arguments) as { message?: string };
          console.log(`${name}> ${args.message ?? ""}`);
        } else console.log(`  [tool: ${call.name}]`);
      }
      const text = event.message.content.filter((p) => p.type === "text").map((p) => (p as { text: string }).text).join("");
      if (text && event.message.toolCalls.length === 0) console.log(`${name}> ${text}`);
    }
    if (event.type === "run-error") console.error(`error (${event.code}): ${event.message}`);
  }
}

try {
  const agent = await getOrCreate();
  const arg = process.argv.slice(2).join(" ").trim();
  if (arg) await say(agent, arg);
  else {
    const lines = createInterface({ input: process.stdin, terminal: false });
    for await (const line of lines) if (line.trim()) await say(agent, line.trim());
  }
  console.log("\n--- memory ---");
  for (const block of await agent.memory.list()) console.log(`[${block.label}]\n${block.value}\n`);
  const ctx = await agent.context();
  console.log(`context: ${ctx.total}/${ctx.contextWindow} tokens, ${ctx.inContextMessages} messages in view, ${ctx.recallMessages} in recall`);
} catch (e) {
  console.error(LmosError.is(e) ? `error (${e.code}): ${e.message}` : e);
  process.exitCode = 1;
} finally {
  await os.close();
}
