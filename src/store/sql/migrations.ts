// What the two stores' migration runners share: each applies, in its own transaction per version, the
// versions a database has not recorded, and refuses a database that a newer lmos migrated.
import { LmosError } from "../../errors.ts";

/** Throws when the database's newest recorded version is past the newest this lmos knows. */
export function refuseNewerSchema(found: number, newest: number): void {
  if (found > newest) {
    throw new LmosError(
      "internal",
      `the database has schema version ${found} but this lmos knows only ${newest}: upgrade lmos`,
    );
  }
}
