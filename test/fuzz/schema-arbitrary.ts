// Values for a JSON Schema (the OpenAPI 3.0 subset /openapi.json uses), as fast-check arbitraries: values
// that follow the schema, and mutations of them (wrong types, missing or extra fields, nulls, huge strings,
// deep nesting) — the bodies and query values the HTTP fuzz sends.
import fc from "fast-check";

export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean | JsonSchema;
  format?: string;
};

/** Strings a user (or an attacker) might send: plain, unicode, control characters, markup, long. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud800",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE agents; --",
    "%ZZ",
    "null",
    "true",
    "-1",
    "1e309",
    "NaN",
    "9007199254740993",
    "agent-00000000-0000-0000-0000-000000000000",
    "🤖".repeat(50),
  ),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => "x".repeat(n)),
);

/** Any JSON value, small. */
const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** A value that follows `schema` (loosely: bounds and formats are tried, not guaranteed). */
export function schemaValue(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const base = baseValue(schema, depth);
  return schema.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function baseValue(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((s) => schemaValue(s, depth + 1)));
  switch (schema.type) {
    case "string":
      return fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
        oddString,
      );
    case "integer":
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, 1000) }),
        fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER),
      );
    case "number":
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 1e308));
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      if (depth > 4) return fc.constant([]);
      return fc.array(schema.items ? schemaValue(schema.items, depth + 1) : anyJson, { maxLength: 4 });
    case "object":
      return objectOf(schema, depth);
    default:
      return anyJson;
  }
}

function objectOf(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 4) return fc.constant({});
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const keys = Object.keys(props);
  if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 });
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) record[k] = schemaValue(props[k], depth + 1);
  return fc.record(record, { requiredKeys: keys.filter((k) => required.has(k)) });
}

/** A value of the wrong kind for `schema`. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const all = [
    fc.string({ maxLength: 10 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.constant({ nested: { deeper: [1, "two", null] } }),
  ];
  const type = schema.type;
  return fc.oneof(
    ...all.filter((_, i) => !type || ["string", "integer", "boolean", "null", "array", "object"][i] !== type),
  );
}

/** JSON nested `depth` deep: arrays, or objects. */
export function deepJson(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? "[".repeat(depth) + "]".repeat(depth)
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** A value of `schema` changed the way bad clients change it. */
export function mutatedValueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const valid = schemaValue(schema);
  const props = Object.keys(schema.properties ?? {});
  const mutations: fc.Arbitrary<unknown>[] = [valid, valid, valid, valid, wrongType(schema), anyJson];
  if (props.length > 0) {
    // One field given the wrong type, or set to null, or dropped; plus unknown fields.
    mutations.push(
      fc
        .tuple(valid, fc.constantFrom(...props), wrongType(schema.properties?.[props[0]] ?? {}))
        .map(([v, key, bad]) => ({ ...(v as object), [key]: bad })),
      fc.tuple(valid, fc.constantFrom(...props)).map(([v, key]) => ({ ...(v as object), [key]: null })),
      fc.tuple(valid, fc.constantFrom(...props)).map(([v, key]) => {
        const copy = { ...(v as Record<string, unknown>) };
        delete copy[key];
        return copy;
      }),
      fc.tuple(valid, fc.dictionary(oddString, anyJson, { maxKeys: 3 })).map(([v, extra]) => ({
        ...(v as object),
        ...extra,
      })),
      fc.tuple(valid, fc.constantFrom(...props), fc.integer({ min: 20, max: 60 })).map(([v, key, d]) => ({
        ...(v as object),
        [key]: JSON.parse(deepJson(d, "array")),
      })),
    );
  }
  return fc.oneof(...mutations);
}
