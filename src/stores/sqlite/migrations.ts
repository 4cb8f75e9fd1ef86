import type { Kysely } from "kysely";
import type { IrisDatabase } from "./tables.js";

export interface SqliteMigration {
  description: string;
  up(db: Kysely<IrisDatabase>): Promise<void>;
}

/**
 * The schema, step by step: a database at version N (`PRAGMA user_version`) has had the first N
 * applied. Append only; never edit a step that has shipped.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    description: "async_jobs: durable async inference jobs",
    async up(db) {
      await db.schema
        .createTable("async_jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("owner_hash", "text", (c) => c.notNull())
        .addColumn("request_type", "text", (c) => c.notNull())
        .addColumn("request", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("result_ttl_seconds", "integer", (c) => c.notNull())
        .addColumn("status_code", "integer")
        .addColumn("result", "text")
        .addColumn("error", "text")
        .addColumn("created_at", "integer", (c) => c.notNull())
        .addColumn("started_at", "integer")
        .addColumn("completed_at", "integer")
        .addColumn("expires_at", "integer")
        .execute();
      await db.schema.createIndex("idx_async_jobs_status_created_at").on("async_jobs").columns(["status", "created_at"]).execute();
      await db.schema.createIndex("idx_async_jobs_expires_at").on("async_jobs").column("expires_at").execute();
    },
  },
  {
    description: "resource_keys: which pool key made each provider-side file, batch, container or stored response",
    async up(db) {
      await db.schema
        .createTable("resource_keys")
        .addColumn("provider", "text", (c) => c.notNull())
        .addColumn("resource_id", "text", (c) => c.notNull())
        .addColumn("key_name", "text", (c) => c.notNull())
        .addColumn("created_at", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("pk_resource_keys", ["provider", "resource_id"])
        .execute();
    },
  },
  {
    description: "governance_usage: the running counters of budgets and rate limits, so they survive a restart",
    async up(db) {
      await db.schema
        .createTable("governance_usage")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "double precision", (c) => c.notNull())
        .addColumn("window_start", "integer", (c) => c.notNull())
        .execute();
    },
  },
];
