// Child process of the multi-process job tests: opens lmos with background work on (home, model URL and
// tick intervals from the environment), says "ready", and closes when its stdin ends.
import { openLmos } from "../src/index.ts";

const os = await openLmos();
process.stdout.write("ready\n");
process.stdin.resume();
process.stdin.on("end", () => {
  void os.close().then(() => process.exit(0));
});
