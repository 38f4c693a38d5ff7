// Defaults of a new agent: behaviour settings, and the persona/human blocks with Letta's descriptions.
import { DEFAULT_AGENT_SETTINGS } from "../store/index.ts";
import type { BlockInput } from "./types.ts";

/** Default character limit of a core memory block. */
export const DEFAULT_BLOCK_LIMIT = 5_000;

export const DEFAULT_SETTINGS = DEFAULT_AGENT_SETTINGS;

/** Letta's descriptions of its two standard blocks, used when a block with that label has none. */
export const DEFAULT_BLOCK_DESCRIPTIONS: Record<string, string> = {
  persona:
    "The persona block: Stores details about your current persona, guiding how you behave and respond. This helps you to maintain consistency and personality in your interactions.",
  human:
    "The human block: Stores key details about the person you are conversing with, allowing for more personalized and friend-like conversation.",
};

/** The default description of a block with this label, or null. Own keys only: a label such as "valueOf"
 * or "constructor" must not pick up an Object.prototype member (the fuzz campaign's 500). */
export function defaultBlockDescription(label: string): string | null {
  return Object.hasOwn(DEFAULT_BLOCK_DESCRIPTIONS, label)
    ? (DEFAULT_BLOCK_DESCRIPTIONS[label] ?? null)
    : null;
}

/** The blocks of an agent created without any. */
export const DEFAULT_BLOCKS: BlockInput[] = [
  {
    label: "persona",
    value:
      "I am a helpful, curious assistant with a long memory. I keep my core memory up to date, and I look things up in my recall and archival memory before saying I don't know.",
  },
  {
    label: "human",
    value: "Nothing is known about the user yet. I should learn their name and what they care about.",
  },
];
