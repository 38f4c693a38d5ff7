// Loads a peer's npm package from bench/peers/ (installed by `npm run bench:peers`, never a dependency of
// lmos), or says how to install it.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const peersDir = new URL("../../peers/", import.meta.url);
const require = createRequire(new URL("package.json", peersDir));

/** The reason a peer's row gives when its packages are missing. */
export const NOT_INSTALLED = "not installed: run npm run bench:peers";

/** The ES module `specifier` from bench/peers/node_modules, or null when it is not installed there. */
export async function importPeerModule<T>(specifier: string): Promise<T | null> {
  let path: string;
  try {
    path = require.resolve(specifier);
  } catch {
    return null;
  }
  return (await import(pathToFileURL(path).href)) as T;
}
