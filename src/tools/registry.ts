// Tool definitions by name: the base tools plus whatever other layers register (file tools, custom tools).
import { LmosError } from "../errors.ts";
import type { ToolDefinition } from "./types.ts";

/** A name → definition map; registering a taken name is an error unless `replace` is set. */
export class ToolRegistry {
  private readonly byName = new Map<string, ToolDefinition>();

  constructor(definitions: Iterable<ToolDefinition> = []) {
    for (const def of definitions) this.register(def);
  }

  /** Adds a definition. */
  register(def: ToolDefinition, options: { replace?: boolean } = {}): this {
    if (this.byName.has(def.name) && !options.replace) {
      throw new LmosError("conflict", `a tool named "${def.name}" is already registered; pick another name`);
    }
    this.byName.set(def.name, def);
    return this;
  }

  get(name: string): ToolDefinition | null {
    return this.byName.get(name) ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  unregister(name: string): boolean {
    return this.byName.delete(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  list(): ToolDefinition[] {
    return [...this.byName.values()];
  }
}
