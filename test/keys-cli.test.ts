// `lmos keys` as a user runs it, against a running `lmos serve` on the same home: an open server closes
// once a key exists, the printed secret works (and is stored only hashed), `list --json` shows the key and
// when it was last used, a revoked key gets 401, and bad flags are usage errors.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { childEnv, runLmos, startLmosServe } from "./cli-harness.ts";

const home = mkdtempSync(join(tmpdir(), "lmos-keys-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it("creates, lists and revokes keys that lmos serve honours", async () => {
  const env = childEnv({ LMOS_HOME: home, LMOS_EMBEDDING: "none" });
  const server = await startLmosServe(env);
  try {
    const get = (key?: string) =>
      fetch(`${server.url}/v1/agents/`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    expect((await get()).status).toBe(200); // no key of either kind yet: open, as before keys existed

    const made = await runLmos(
      ["keys", "create", "--project", "acme", "--scope", "read", "--name", "ci"],
      env,
    );
    expect(made.code, made.stderr).toBe(0);
    const secret = made.stdout.split("\n")[0].trim();
    expect(secret).toMatch(/^lmos_sk_[A-Za-z0-9_-]{43}$/);
    expect(made.stdout).toContain("shown only now");

    // The server re-reads "no key yet" at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get()).status).toBe(401);
    expect((await get(secret)).status).toBe(200);
    const write = await fetch(`${server.url}/v1/agents/`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "nope" }),
    });
    expect(write.status).toBe(403);

    const listed = await runLmos(["keys", "list", "--json"], env);
    expect(listed.code, listed.stderr).toBe(0);
    const keys = JSON.parse(listed.stdout);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: "ci", project: "acme", scope: "read", revoked_at: null });
    expect(secret.startsWith(keys[0].prefix)).toBe(true);
    expect(keys[0].last_used_at).not.toBeNull();
    expect(listed.stdout).not.toContain(secret);
    // Only the hash is on disk.
    expect(readFileSync(join(home, "lmos.db")).includes(secret)).toBe(false);

    const table = await runLmos(["keys", "list"], env);
    expect(table.stdout).toMatch(/ID\s+NAME\s+PREFIX\s+PROJECT\s+SCOPE/);

    const revoked = await runLmos(["keys", "revoke", keys[0].id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await get(secret)).status).toBe(401);
    // Revoking the last key does not open the server again.
    expect((await get()).status).toBe(401);

    const unknown = await runLmos(["keys", "revoke", "key-nope"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("not found");
    const badScope = await runLmos(["keys", "create", "--project", "acme", "--scope", "admin"], env);
    expect(badScope.code).toBe(2);
    const badProject = await runLmos(["keys", "create", "--project", "a b"], env);
    expect(badProject.code).toBe(2);
    const help = await runLmos(["keys", "create", "--help"], env);
    expect(help.stdout).toContain("--scope");
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
}, 120_000);
