import { sql, type Expression, type Kysely, type SqlBool } from "kysely";
import { containsPattern } from "./log-filter-sql.js";
import { indexedThrough } from "./log-index-tail.js";
import { contentSummaryOfTexts } from "./log-row-codec.js";
import type { LogsDatabase } from "./log-tables.js";

/** How one database searches content: what differs between SQLite and PostgreSQL. */
export interface ContentSearchSql {
  /** Rows whose indexed summary contains the text, case-insensitively (SQLite: FTS5 trigram; PostgreSQL: pg_trgm), as a condition on `logs.seq`. */
  indexedMatch(text: string): Expression<SqlBool>;
  /** `logs.seq` is one of these. */
  seqIn(seqs: readonly number[]): Expression<SqlBool>;
  /** The case-insensitive LIKE: SQLite's `like` folds ASCII, PostgreSQL has `ilike`. */
  like: "like" | "ilike";
}

/**
 * The condition of a content search: rows the index finds, and rows of the tail (after the
 * watermark, not indexed yet) whose summary contains the text, so a row is found the moment it is
 * written. The tail's raw texts are narrowed by LIKE with the text as JSON writes it inside a string
 * (quotes and backslashes escaped), then each candidate's summary is worked out and checked, so
 * a row matches before indexing exactly as it will after (a key such as "role" is not content).
 */
export async function contentSearchCondition(db: Kysely<LogsDatabase>, search: ContentSearchSql, text: string): Promise<Expression<SqlBool>> {
  const watermark = await indexedThrough(db);
  const pattern = containsPattern(JSON.stringify(text).slice(1, -1));
  const like = (column: "log_contents.request_text" | "log_contents.response_text") =>
    sql<SqlBool>`${sql.ref(column)} ${sql.raw(search.like)} ${pattern} escape '\\'`;
  const candidates = await db
    .selectFrom("logs")
    .innerJoin("log_contents", "log_contents.seq", "logs.seq")
    .select(["logs.seq", "logs.object_type", "log_contents.request_text", "log_contents.response_text", "log_contents.response_kind"])
    .where("logs.seq", ">", watermark)
    .where((eb) => eb.or([like("log_contents.request_text"), like("log_contents.response_text")]))
    .execute();
  const needle = text.toLowerCase();
  const found = candidates
    .filter((row) => contentSummaryOfTexts(row.request_text, row.response_text, row.response_kind, row.object_type).toLowerCase().includes(needle))
    .map((row) => Number(row.seq));
  const indexed = search.indexedMatch(text);
  return found.length === 0 ? indexed : sql<SqlBool>`(${indexed} or ${search.seqIn(found)})`;
}
