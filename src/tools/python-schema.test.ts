import { expect, it } from "vitest";
import { LmosError } from "../errors.ts";
import { pythonToolSchema } from "./index.ts";

it("derives name, description, typed parameters and required fields from a Google-style function", () => {
  const source = `
import math

def roll_dice(sides: int, times: int = 1, label: Optional[str] = None,
              weights: List[float] = [], mode: Literal["sum", "max"] = "sum",
              meta: dict = {}, agent_state: "AgentState" = None) -> str:
    """
    Roll dice and report the result.

    Args:
        sides (int): Number of sides on each die.
        times (int): How many dice to roll;
            at most 100.
        label: A name for the roll.
        weights: Optional weights per side.
        mode: How to combine the dice.
        meta: Extra data.

    Returns:
        str: The result.
    """
    return str(sides)
`;
  expect(pythonToolSchema(source)).toEqual({
    name: "roll_dice",
    description: "Roll dice and report the result.",
    parameters: {
      type: "object",
      properties: {
        sides: { type: "integer", description: "Number of sides on each die." },
        times: { type: "integer", description: "How many dice to roll; at most 100." },
        label: { type: "string", description: "A name for the roll." },
        weights: { type: "array", items: { type: "number" }, description: "Optional weights per side." },
        mode: { enum: ["sum", "max"], description: "How to combine the dice." },
        meta: { type: "object", description: "Extra data." },
      },
      required: ["sides"],
    },
  });
});

it("reads Sphinx-style docstrings, PEP 604 unions and untyped parameters", () => {
  const source = [
    "def greet(name, loud: bool | None = False, tags: list[str] = ()):",
    "    '''Greets someone.",
    "",
    "    :param name: Who to greet.",
    "    :param loud: Shout it.",
    "    '''",
    "    pass",
  ].join("\n");
  const schema = pythonToolSchema(source);
  expect(schema.name).toBe("greet");
  expect(schema.description).toBe("Greets someone.");
  expect(schema.parameters).toEqual({
    type: "object",
    properties: {
      name: { type: "string", description: "Who to greet." },
      loud: { type: "boolean", description: "Shout it." },
      tags: { type: "array", items: { type: "string" } },
    },
    required: ["name"],
  });
});

it("takes the top-level function over nested ones and rejects source without a def", () => {
  expect(
    pythonToolSchema("class X:\n    def inner(self): pass\n\ndef outer(a: int):\n    return a\n").name,
  ).toBe("outer");
  expect(() => pythonToolSchema("x = 1\nprint(x)")).toThrow(LmosError);
  try {
    pythonToolSchema("x = 1");
  } catch (e) {
    expect((e as LmosError).code).toBe("invalid_argument");
  }
});
