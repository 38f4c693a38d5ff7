// `lmos keys create|list|revoke`: API keys of the server, each of one project and one scope. Local store
// only (like backup): a key is made where the database is, never over the API it protects.
import type { Command } from "commander";
import { mintApiKey, PROJECT_NAME } from "../../server/index.ts";
import { type ApiKeyRecord, nowIso } from "../../store/index.ts";
import type { Cli } from "../cli-context.ts";
import { UsageError } from "../errors.ts";
import { table } from "../format.ts";

const keyJson = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  project: k.project,
  scope: k.scope,
  created_at: k.createdAt,
  last_used_at: k.lastUsedAt,
  revoked_at: k.revokedAt,
});

/** Registers `lmos keys`. */
export function register(program: Command, cli: Cli): void {
  const keys = program
    .command("keys")
    .description("API keys for lmos serve: each belongs to a project and has a scope (read or full)")
    .addHelpText(
      "after",
      `
A key's project owns every agent, block, tool, folder, group, MCP server and schedule made through it;
another project's key cannot see or change them (a 404, as for an id that does not exist). A read key
may only read (GET, and searches). Once any key exists, lmos serve needs a key on every request but
/v1/health; LMOS_API_KEY stays valid as the key of the default project (full scope), which also owns
everything made before projects existed. Only the key's hash is stored: the secret is printed once.

Examples:
  $ lmos keys create --project acme --scope full --name ci
  $ lmos keys list --json
  $ lmos keys revoke key-0193…`,
    );

  keys
    .command("create")
    .description("make a key and print its secret (once: only its hash is kept)")
    .requiredOption("--project <name>", "the project the key acts for (created on first use), e.g. acme")
    .option("--scope <scope>", "read (GET and searches only) or full", "full")
    .option("--name <name>", "a label to tell keys apart in `lmos keys list`")
    .option("--json", "print the key as JSON (the secret included)")
    .action(async (opts: { project: string; scope: string; name?: string; json?: boolean }, cmd: Command) => {
      if (!PROJECT_NAME.test(opts.project)) {
        throw new UsageError(
          `--project "${opts.project}": use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
        );
      }
      if (opts.scope !== "read" && opts.scope !== "full") {
        throw new UsageError(`--scope "${opts.scope}": use read or full`);
      }
      const lmos = await cli.openLmos(cmd, '"keys create"');
      try {
        const { record, secret } = mintApiKey({ project: opts.project, scope: opts.scope, name: opts.name });
        await lmos.store.createApiKey(record);
        if (opts.json) cli.print(JSON.stringify({ ...keyJson(record), secret }, null, 2));
        else {
          cli.print(secret);
          cli.print(
            `key ${record.id} (project ${record.project}, scope ${record.scope}): the secret above is shown only now; send it as \`Authorization: Bearer <secret>\``,
          );
        }
      } finally {
        await lmos.close();
      }
    });

  keys
    .command("list")
    .description("list the keys: id, name, prefix, project, scope, created, last used, revoked")
    .option("--json", "print the keys as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const lmos = await cli.openLmos(cmd, '"keys list"');
      try {
        const list = await lmos.store.listApiKeys();
        if (opts.json) {
          cli.print(JSON.stringify(list.map(keyJson), null, 2));
          return;
        }
        if (!list.length) {
          cli.print("no API keys: `lmos keys create --project <name>` makes one");
          return;
        }
        cli.print(
          table(
            ["ID", "NAME", "PREFIX", "PROJECT", "SCOPE", "CREATED", "LAST USED", "REVOKED"],
            list.map((k) => [
              k.id,
              k.name || "-",
              `${k.prefix}…`,
              k.project,
              k.scope,
              k.createdAt,
              k.lastUsedAt ?? "-",
              k.revokedAt ?? "-",
            ]),
          ),
        );
      } finally {
        await lmos.close();
      }
    });

  keys
    .command("revoke")
    .description("revoke a key: the server answers 401 to it from then on")
    .argument("<id>", "the key's id (see `lmos keys list`)")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const lmos = await cli.openLmos(cmd, '"keys revoke"');
      try {
        const k = await lmos.store.revokeApiKey(id, nowIso());
        cli.print(`revoked ${k.id} (project ${k.project}, scope ${k.scope}) at ${k.revokedAt}`);
      } finally {
        await lmos.close();
      }
    });
}
