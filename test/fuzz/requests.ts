// Requests for the HTTP fuzz, built from /openapi.json: for each operation, path ids (real ones of the
// seeded resources, unknown ones, malformed ones), query strings (valid, wrong types, junk encodings,
// repeated keys) and bodies (from the schema, mutated; truncated or non-JSON text, bad UTF-8, deep nesting,
// wrong top-level types) under several content types; uploads get multipart edge cases.
import fc from "fast-check";
import { deepJson, type JsonSchema, mutatedValueOf, oddString, schemaValue } from "./schema-arbitrary.ts";

export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded for the wire. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** The operation it came from, for reports. */
  operation: string;
}

interface Parameter {
  name: string;
  in: "path" | "query";
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

/** Real ids of seeded resources, by path parameter name (agent_id, block_id, block_label, …). */
export type KnownIds = Record<string, string[]>;

/** What a route needs beyond ids drawn one by one, so that its handler, not only its validation, is
 * fuzzed: ids that belong together (a passage and its agent, keyed by the path's parameter names joined
 * with ","), and files a multipart route accepts (an exported agent file for the import), by route. */
export interface FuzzExtras {
  pairs?: Record<string, string[][]>;
  /** JSON bodies a route accepts that name seeded ids (a search in a real agent), by route. */
  bodies?: Record<string, fc.Arbitrary<unknown>>;
  uploads?: Record<string, Array<{ filename: string; data: Buffer }>>;
}

/** Percent-encodes everything but unreserved characters (lone surrogates become U+FFFD first). */
function encode(s: string): string {
  return encodeURIComponent(Buffer.from(s).toString());
}

function pathValue(name: string, known: KnownIds): fc.Arbitrary<string> {
  const real = known[name] ?? [];
  const prefix = name.replace(/_id$/, "").replace("folder", "source");
  return fc.oneof(
    { weight: 4, arbitrary: real.length ? fc.constantFrom(...real).map(encode) : fc.constant("x") },
    { weight: 1, arbitrary: fc.uuid().map((u) => `${prefix}-${u}`) },
    { weight: 2, arbitrary: oddString.map(encode) },
    // Raw junk that is still a valid request line: bad percent escapes, dots, encoded slashes.
    {
      weight: 1,
      arbitrary: fc.constantFrom("%ZZ", "%", "%00", "..", ".", "%2F", "%2e%2e", "a%C0%AFb", "%FF%FE"),
    },
  );
}

function queryValue(schema: JsonSchema): fc.Arbitrary<string> {
  const valid = schemaValue(schema).map((v) => encode(typeof v === "string" ? v : JSON.stringify(v)));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: oddString.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom("%ZZ", "", "%FF", "1e309", "-99999999999") },
  );
}

function queryString(params: Parameter[]): fc.Arbitrary<string> {
  const query = params.filter((p) => p.in === "query");
  const pairs = query.map((p) =>
    fc.option(
      fc
        .array(queryValue(p.schema), { minLength: 1, maxLength: 2 })
        .map((vs) => vs.map((v) => `${encode(p.name)}=${v}`)),
      { freq: 2 },
    ),
  );
  const extra = fc.option(
    fc.tuple(oddString, oddString).map(([k, v]) => [`${encode(k)}=${encode(v)}`]),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...pairs), extra).map(([given, more]) => {
    const parts = [...given.flatMap((g) => g ?? []), ...(more ?? [])];
    return parts.length ? `?${parts.join("&")}` : "";
  });
}

const BAD_BODIES: Buffer[] = [
  Buffer.from(""),
  Buffer.from("{"),
  Buffer.from('{"input": "unterminated'),
  Buffer.from("not json at all"),
  Buffer.from("null"),
  Buffer.from("[]"),
  Buffer.from('"a string"'),
  Buffer.from("12345"),
  Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x80, 0x22, 0x7d]),
  Buffer.concat([
    Buffer.from('{"input": "'),
    Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xed, 0xa0, 0x80]),
    Buffer.from('"}'),
  ]),
  Buffer.from(deepJson(100_000, "array")),
  Buffer.from(deepJson(5_000, "object")),
  Buffer.from(`{"a": ${"1".repeat(400)}}`),
  Buffer.from('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'),
];

export const text = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), oddString);

const toolSource = text.map((doc) => ({
  source_code: `def fuzz_tool(x: int) -> int:\n    """${doc.replace(/["\\]/g, "")}\n\n    Args:\n        x: a number\n    """\n    return x\n`,
}));

// Bodies that a route accepts, by "METHOD /path": random values of a schema rarely pass its cross-field
// rules (exactly one of `messages` and `input`, Python source with a docstring), so these make sure the
// fuzz reaches the handlers behind validation too.
const ACCEPTED: Record<string, fc.Arbitrary<unknown>> = {
  "POST /v1/agents/": fc.record({ name: text }, { requiredKeys: [] }),
  "POST /v1/agents/{agent_id}/messages": fc.record({ input: text }),
  "POST /v1/agents/{agent_id}/messages/stream": fc.record({ input: text, stream_tokens: fc.boolean() }),
  "POST /v1/agents/{agent_id}/messages/async": fc.record({ input: text }),
  "PATCH /v1/agents/{agent_id}/core-memory/blocks/{block_label}": fc.record({ value: text }),
  "POST /v1/blocks/": fc.record({ label: text, value: text }),
  "POST /v1/agents/{agent_id}/archival-memory": fc.record({ text, tags: fc.array(text, { maxLength: 3 }) }),
  "POST /v1/tools/": toolSource,
  "PUT /v1/tools/": toolSource,
  "PATCH /v1/tools/{tool_id}": fc.record({ description: text, tags: fc.array(text, { maxLength: 3 }) }),
  "POST /v1/groups/{group_id}/messages": fc.record({ input: text }),
  // Far in the future (ms), or yearly: the schedules are stored and listed, and never fire mid-campaign.
  "POST /v1/agents/{agent_id}/schedule": fc.record({
    messages: fc.tuple(fc.record({ role: fc.constant("user"), content: text })),
    schedule: fc.oneof(
      fc.record({
        type: fc.constant("one-time"),
        scheduled_at: fc.integer({ min: 4e12, max: 5e12 }),
      }),
      fc.record({
        type: fc.constant("recurring"),
        cron_expression: fc.constantFrom("0 0 1 1 *", "0 3 29 2 *"),
      }),
    ),
  }),
  "POST /v1/mcp-servers/{mcp_server_id}/tools/{tool_id}/run": fc.record({ args: fc.record({ text }) }),
};

function jsonBody(
  route: string,
  schema: JsonSchema | undefined,
  extra?: fc.Arbitrary<unknown>,
): fc.Arbitrary<Buffer> {
  const fromSchema = (schema ? mutatedValueOf(schema) : fc.jsonValue({ maxDepth: 2 })).map((v) =>
    Buffer.from(JSON.stringify(v) ?? "null"),
  );
  const accepted = (extra ?? ACCEPTED[route])?.map((v) => Buffer.from(JSON.stringify(v)));
  return fc.oneof(
    { weight: 6, arbitrary: fromSchema },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_BODIES) },
    ...(accepted ? [{ weight: 4, arbitrary: accepted }] : []),
  );
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "",
];

function multipart(
  boundary: string,
  parts: Array<{ name: string; filename?: string; data: Buffer }>,
): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      p.data,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Multipart upload bodies: a file, odd file names and contents, no file part, broken framing; and, when
 * the route has some, files it accepts, whole or cut short. */
function uploadBody(
  accepted: Array<{ filename: string; data: Buffer }> = [],
): fc.Arbitrary<{ type: string; body: Buffer }> {
  const good = accepted.length
    ? [
        {
          weight: 6,
          arbitrary: fc
            .tuple(fc.constantFrom(...accepted), fc.nat(), fc.boolean())
            .map(([file, cut, whole]) => ({
              type: "multipart/form-data; boundary=b0undary",
              body: multipart("b0undary", [
                {
                  name: "file",
                  filename: file.filename,
                  data: whole ? file.data : file.data.subarray(0, cut % file.data.length),
                },
              ]),
            })),
        },
      ]
    : [];
  return fc.oneof(...good, { weight: 6, arbitrary: oddUploads });
}

const oddUploads: fc.Arbitrary<{ type: string; body: Buffer }> = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom("notes.txt", "a.md", "data.json", "t.csv", "x.pdf", "y.docx", "z.exe", "", ".txt"),
        oddString.map((s) => `${s.replace(/["\r\n]/g, "_")}.txt`),
        fc.constantFrom("../../escape.txt", "a\u0000b.txt", "名前.md", `${"n".repeat(2000)}.txt`),
      ),
      fc.oneof(
        fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
        fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
        fc.constantFrom(
          Buffer.from(""),
          Buffer.from("%PDF-1.4 broken"),
          Buffer.from("PK\u0003\u0004broken zip"),
        ),
      ),
    )
    .map(([filename, data]) => ({
      type: "multipart/form-data; boundary=b0undary",
      body: multipart("b0undary", [{ name: "file", filename, data }]),
    })),
  fc.constant({
    type: "multipart/form-data; boundary=b0undary",
    body: multipart("b0undary", [{ name: "other", data: Buffer.from("no file here") }]),
  }),
  fc.constant({
    type: "multipart/form-data; boundary=b0undary",
    body: multipart("b0undary", [{ name: "file", data: Buffer.from("a field, not a file") }]),
  }),
  fc.constant({ type: "multipart/form-data; boundary=b0undary", body: Buffer.from("--b0undary\r\nbroken") }),
  fc.constant({ type: "multipart/form-data", body: Buffer.from("no boundary given") }),
  fc.constant({ type: "application/json", body: Buffer.from("{}") }),
);

/** An arbitrary request to one operation of the document. */
export function requestFor(
  path: string,
  method: string,
  op: Operation,
  known: KnownIds,
  extras: FuzzExtras = {},
): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters ?? [];
  const route = `${method.toUpperCase()} ${path}`;
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const drawn = fc.tuple(...names.map((n) => pathValue(n, known)));
  const pairs = extras.pairs?.[names.join(",")] ?? [];
  const values = pairs.length
    ? fc.oneof(
        drawn,
        fc.constantFrom(...pairs).map((ids) => ids.map(encode)),
      )
    : drawn;
  const pathArb = values.map((vs) => {
    let i = 0;
    return path.replace(/\{(\w+)\}/g, () => vs[i++]);
  });
  const content = op.requestBody?.content ?? {};
  const bodyArb: fc.Arbitrary<{ type: string; body: Buffer | null }> = content["multipart/form-data"]
    ? uploadBody(extras.uploads?.[route])
    : content["application/json"] || method !== "get"
      ? fc
          .tuple(
            jsonBody(route, content["application/json"]?.schema, extras.bodies?.[route]),
            fc.constantFrom(...CONTENT_TYPES),
          )
          .map(([body, type]) => ({ type, body }))
      : fc.constant({ type: "", body: null });
  return fc.tuple(pathArb, queryString(params), bodyArb).map(
    ([p, q, b]): FuzzRequest => ({
      method: method.toUpperCase(),
      path: p + q,
      headers: b.type ? { "content-type": b.type } : ({} as Record<string, string>),
      body: b.body,
      operation: route,
    }),
  );
}

// Deletes go last (what lives inside a resource first, then resources, agents at the very end), so that
// the seeded ids stay real for the other routes as long as possible: a folder's files before the folder.
function order(route: string): number {
  if (!route.startsWith("DELETE")) return 0;
  if (route === "DELETE /v1/agents/{agent_id}") return 3;
  return (route.match(/\{/g) ?? []).length > 1 ? 1 : 2;
}

/** One arbitrary over every operation of the document (each equally likely). */
export function anyRequest(
  doc: OpenApi,
  known: KnownIds,
  extras: FuzzExtras = {},
): fc.Arbitrary<FuzzRequest> {
  const arbs: fc.Arbitrary<FuzzRequest>[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) arbs.push(requestFor(path, method, op, known, extras));
  }
  return fc.oneof(...arbs);
}

/** Every operation of the document, each with its own arbitrary (so every route gets runs), deletes last. */
export function operations(
  doc: OpenApi,
  known: KnownIds,
  extras: FuzzExtras = {},
): Array<[string, fc.Arbitrary<FuzzRequest>]> {
  const all = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]): [string, fc.Arbitrary<FuzzRequest>] => [
      `${method.toUpperCase()} ${path}`,
      requestFor(path, method, op, known, extras),
    ]),
  );
  return all.sort((a, b) => order(a[0]) - order(b[0]));
}
