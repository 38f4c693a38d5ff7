// Child process of the runs crash test: creates an agent (name from argv) and runs it against the scripted
// model (URL and home from the environment) until the parent kills it.
import { openLmos } from "../src/index.ts";

const os = await openLmos(); // LMOS_HOME, OPENAI_BASE_URL, OPENAI_API_KEY come from the environment
const agent = await os.agents.create({ name: process.argv[2] ?? "child" });
process.stdout.write(`agent ${agent.id}\n`);
await agent.send("Work until you are stopped.");
await os.close();
