import { sql } from "kysely";
import { createLogTablesV1 } from "../kysely/log-schema-v1.js";
import type { LogMigration } from "../kysely/log-schema.js";
import { upgradeLogTablesToV2 } from "../kysely/log-schema-upgrade.js";

/**
 * `logs.db`, step by step: a file at version N (`PRAGMA user_version`) has had the first N applied.
 * Append only; never edit a step that has shipped.
 */
export const SQLITE_LOG_MIGRATIONS: readonly LogMigration[] = [
  {
    description: "logs, log_contents, log_filter_values; a trigram full-text index over content summaries",
    async up(db) {
      await createLogTablesV1(db, "sqlite");
      // Trigrams make `content_search` a substring search that uses an index: a LIKE '%q%' scan of a
      // million summaries takes seconds. The index points at log_contents' rows (external content),
      // so the text is stored once; triggers keep it in step (rows are written once, never updated).
      // Empty summaries (content logging off) are never indexed, and so never deleted from it either.
      await sql`create virtual table logs_fts using fts5(content_summary, content='log_contents', content_rowid='seq', tokenize='trigram')`.execute(db);
      await sql`create trigger log_contents_fts_insert after insert on log_contents when new.content_summary <> '' begin
        insert into logs_fts(rowid, content_summary) values (new.seq, new.content_summary);
      end`.execute(db);
      await sql`create trigger log_contents_fts_delete after delete on log_contents when old.content_summary <> '' begin
        insert into logs_fts(logs_fts, rowid, content_summary) values ('delete', old.seq, old.content_summary);
      end`.execute(db);
    },
  },
  {
    description: "content as the gateway's texts, indexed off the insert path: narrow indexes, totals per filter value, a contentless trigram index",
    async up(db) {
      await sql`drop trigger log_contents_fts_insert`.execute(db);
      await sql`drop trigger log_contents_fts_delete`.execute(db);
      await sql`drop table logs_fts`.execute(db);
      await sql`alter table logs rename to logs_v1`.execute(db);
      await sql`alter table log_contents rename to log_contents_v1`.execute(db);
      await upgradeLogTablesToV2(db, "sqlite");
      // Contentless: the summaries are in log_summaries already, and a row leaves the index by its
      // rowid alone (contentless_delete), without its text being read back. Filled by the content
      // indexer; a trigger takes out a deleted summary.
      await sql`create virtual table logs_fts using fts5(content_summary, content='', contentless_delete=1, tokenize='trigram')`.execute(db);
      await sql`create trigger log_summaries_fts_delete after delete on log_summaries begin
        delete from logs_fts where rowid = old.seq;
      end`.execute(db);
    },
  },
];
