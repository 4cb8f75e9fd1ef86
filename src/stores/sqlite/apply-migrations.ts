import { sql, type Kysely } from "kysely";

/**
 * Brings a SQLite file's schema up to date: a file at version N (`PRAGMA user_version`) has had
 * the first N steps applied. All pending steps run in one write transaction, so two processes
 * starting at once cannot both apply one; a file newer than this Iris is refused, not guessed at.
 */
export async function applyMigrations<DB>(db: Kysely<DB>, steps: ReadonlyArray<{ up(db: Kysely<DB>): Promise<void> }>, fileName: string): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(conn);
      const current = rows[0]?.user_version ?? 0;
      if (current > steps.length) {
        throw new Error(`${fileName} has schema version ${current}, newer than this Iris knows (${steps.length})`);
      }
      for (const step of steps.slice(current)) await step.up(conn);
      if (current < steps.length) await sql.raw(`pragma user_version = ${steps.length}`).execute(conn);
      await sql`commit`.execute(conn);
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}
