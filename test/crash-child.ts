// Child process of the crash test: runs an agent against the scripted model (URL and home from the
// environment) until the parent SIGKILLs it mid-run.
import { openLmos } from "../src/index.ts";

const os = await openLmos(); // LMOS_HOME, OPENAI_BASE_URL, OPENAI_API_KEY come from the environment
const agent = await os.agents.create({ name: "crash", settings: { maxSteps: 1000 } });
process.stdout.write(`agent ${agent.id}\n`);
await agent.send("Save notes forever.");
process.stdout.write("run finished (the parent should have killed us before this)\n");
await os.close();
