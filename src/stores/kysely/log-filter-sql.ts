import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { LogFilter } from "../log-store.js";
import type { LogsDatabase } from "./log-tables.js";

/**
 * The WHERE condition of a `LogFilter`: every field given narrows the rows; lists match any of their
 * values. `content` is the content search's condition on `logs.seq`, worked out beforehand (see
 * log-content-search.ts), or undefined for none.
 */
export function logFilterCondition(
  eb: ExpressionBuilder<LogsDatabase, "logs">,
  filter: LogFilter,
  content: Expression<SqlBool> | undefined,
): Expression<SqlBool> {
  const conditions: Array<Expression<SqlBool>> = [];
  const anyOf = (column: "provider" | "model" | "status" | "object_type" | "selected_key_name" | "virtual_key_id", values: readonly string[] | undefined) => {
    if (values && values.length > 0) conditions.push(eb(`logs.${column}`, "in", values));
  };
  anyOf("provider", filter.providers);
  anyOf("model", filter.models);
  anyOf("status", filter.status);
  // Said outright so that the planner may use the status index, which holds no successful rows.
  if (filter.status && filter.status.length > 0 && !filter.status.includes("success")) conditions.push(eb("logs.status", "<>", "success"));
  anyOf("object_type", filter.objects);
  anyOf("selected_key_name", filter.selectedKeyNames);
  anyOf("virtual_key_id", filter.virtualKeyIds);
  if (filter.startTime !== undefined) conditions.push(eb("logs.timestamp", ">=", filter.startTime));
  if (filter.endTime !== undefined) conditions.push(eb("logs.timestamp", "<=", filter.endTime));
  if (filter.minLatency !== undefined) conditions.push(eb("logs.latency", ">=", filter.minLatency));
  if (filter.maxLatency !== undefined) conditions.push(eb("logs.latency", "<=", filter.maxLatency));
  if (filter.minTokens !== undefined) conditions.push(eb("logs.total_tokens", ">=", filter.minTokens));
  if (filter.maxTokens !== undefined) conditions.push(eb("logs.total_tokens", "<=", filter.maxTokens));
  if (filter.minCost !== undefined) conditions.push(eb("logs.cost", ">=", filter.minCost));
  if (filter.maxCost !== undefined) conditions.push(eb("logs.cost", "<=", filter.maxCost));
  // Iris never writes a made-up 0 for an unpriced model, so "missing" is exactly "no cost recorded".
  if (filter.missingCostOnly) conditions.push(eb("logs.cost", "is", null));
  if (filter.parentRequestId !== undefined) conditions.push(eb("logs.parent_request_id", "=", filter.parentRequestId));
  if (content) conditions.push(content);
  return eb.and(conditions);
}

/** `text` as a LIKE pattern matching it anywhere, its own `%`, `_` and `\` taken literally (with `ESCAPE '\'`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
