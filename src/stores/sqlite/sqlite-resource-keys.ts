import type { Kysely } from "kysely";
import type { ResourceKeyStore } from "../resource-key-store.js";
import type { IrisDatabase } from "./tables.js";

/** Which pool key made each provider-side resource, in the app dir's SQLite database (so it outlives a restart). */
export class SqliteResourceKeys implements ResourceKeyStore {
  constructor(private readonly db: Kysely<IrisDatabase>) {}

  async keyFor(provider: string, resourceId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("resource_keys")
      .select("key_name")
      .where("provider", "=", provider)
      .where("resource_id", "=", resourceId)
      .executeTakeFirst();
    return row?.key_name;
  }

  async remember(provider: string, resourceId: string, keyName: string): Promise<void> {
    await this.db
      .insertInto("resource_keys")
      .values({ provider, resource_id: resourceId, key_name: keyName, created_at: Date.now() })
      .onConflict((oc) => oc.columns(["provider", "resource_id"]).doUpdateSet({ key_name: keyName }))
      .execute();
  }

  async forget(provider: string, resourceId: string): Promise<void> {
    await this.db.deleteFrom("resource_keys").where("provider", "=", provider).where("resource_id", "=", resourceId).execute();
  }
}
