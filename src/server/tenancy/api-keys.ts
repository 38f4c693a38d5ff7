// API key secrets: made once, shown once, stored as a hash. SHA-256 and not bcrypt/scrypt on purpose: a
// slow hash protects low-entropy passwords against guessing, while these secrets are 32 random bytes
// (256 bits) that no one can guess, and a fast hash lets every request be checked by one index lookup.
import { createHash, randomBytes } from "node:crypto";
import { type ApiKeyRecord, type KeyScope, newId, nowIso } from "../../store/index.ts";

/** Every secret starts with this, so a leaked key is recognisable (secret scanners, logs). */
export const KEY_PREFIX = "lmos_sk_";
/** How many characters of the secret a listing shows. */
const VISIBLE = KEY_PREFIX.length + 6;

/** Hex SHA-256 of a secret, the form the store keeps. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** A new key of `project` and `scope`: the record to store and the secret to show once. */
export function mintApiKey(input: { project: string; scope: KeyScope; name?: string }): {
  record: ApiKeyRecord;
  secret: string;
} {
  const secret = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const record: ApiKeyRecord = {
    id: newId("key"),
    name: input.name ?? "",
    prefix: secret.slice(0, VISIBLE),
    hash: hashSecret(secret),
    project: input.project,
    scope: input.scope,
    createdAt: nowIso(),
    lastUsedAt: null,
    revokedAt: null,
  };
  return { record, secret };
}

/** Project names: what a user types, safe in a URL and a log line. */
export const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
