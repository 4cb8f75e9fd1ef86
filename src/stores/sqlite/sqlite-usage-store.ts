import type { Kysely } from "kysely";
import type { UsageCounter, UsageStore } from "../usage-store.js";
import type { IrisDatabase } from "./tables.js";

/** Governance's counters in the app dir's SQLite database. */
export class SqliteUsageStore implements UsageStore {
  constructor(private readonly db: Kysely<IrisDatabase>) {}

  async load(): Promise<UsageCounter[]> {
    const rows = await this.db.selectFrom("governance_usage").selectAll().execute();
    return rows.map((row) => ({ key: row.key, value: row.value, windowStart: row.window_start }));
  }

  async save(counters: readonly UsageCounter[]): Promise<void> {
    if (counters.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const counter of counters) {
        await trx
          .insertInto("governance_usage")
          .values({ key: counter.key, value: counter.value, window_start: counter.windowStart })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value: counter.value, window_start: counter.windowStart }))
          .execute();
      }
    });
  }
}
