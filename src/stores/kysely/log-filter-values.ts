import type { Kysely } from "kysely";
import type { LogEntry, LogFilterData } from "../log-store.js";
import type { FilterValueKind, LogFilterValuesTable, LogsDatabase } from "./log-tables.js";

/** As Bifrost caps each filter dimension. */
const MAX_VALUES_PER_KIND = 1_000;

const KINDS: readonly FilterValueKind[] = ["model", "provider", "selected_key_name", "object", "stop_reason", "virtual_key"];

/** The values a batch of entries brings, once each, for the side table of filter values. */
export function filterValuesOf(entries: readonly LogEntry[]): LogFilterValuesTable[] {
  const values = new Map<string, LogFilterValuesTable>();
  const add = (kind: FilterValueKind, value: string | null, label: string | null = value) => {
    if (value === null || value === "" || label === null) return;
    // The key order is the column order a prepared upsert binds (see filterValuesUpsert).
    values.set(`${kind}\u0000${value}`, { kind, value, label });
  };
  for (const entry of entries) {
    add("model", entry.model);
    add("provider", entry.provider);
    add("selected_key_name", entry.selected_key_name);
    add("object", entry.object);
    add("stop_reason", entry.stop_reason);
    add("virtual_key", entry.virtual_key_id, entry.virtual_key_name ?? entry.virtual_key_id);
  }
  return [...values.values()];
}

/** The upsert recording filter values (an empty list is not valid SQL: callers skip it). Known values with unchanged labels write nothing. */
export function filterValuesUpsert(db: Kysely<LogsDatabase>, values: readonly LogFilterValuesTable[]) {
  return (
    db
      .insertInto("log_filter_values")
      .values(values)
      // A virtual key renamed since: show its latest name.
      .onConflict((oc) =>
        oc
          .columns(["kind", "value"])
          .doUpdateSet((eb) => ({ label: eb.ref("excluded.label") }))
          .where((eb) => eb("log_filter_values.label", "!=", eb.ref("excluded.label"))),
      )
  );
}

/** The distinct values present, read from the side table (a few rows, however big the store). */
export async function readFilterData(db: Kysely<LogsDatabase>): Promise<LogFilterData> {
  const rows = await db.selectFrom("log_filter_values").select(["kind", "value", "label"]).orderBy("kind").orderBy("label").orderBy("value").execute();
  const byKind = new Map<FilterValueKind, Array<{ value: string; label: string }>>(KINDS.map((kind) => [kind, []]));
  for (const row of rows) {
    const list = byKind.get(row.kind);
    if (list && list.length < MAX_VALUES_PER_KIND) list.push({ value: row.value, label: row.label });
  }
  const values = (kind: FilterValueKind) => (byKind.get(kind) ?? []).map((entry) => entry.value);
  return {
    models: values("model"),
    providers: values("provider"),
    selected_key_names: values("selected_key_name"),
    objects: values("object"),
    stop_reasons: values("stop_reason"),
    virtual_keys: (byKind.get("virtual_key") ?? []).map((entry) => ({ id: entry.value, name: entry.label })),
  };
}

/**
 * After rows were deleted: forgets the values no row carries any more. The hourly totals keep a
 * row per value of each kind while any row has it, so each check is one primary-key probe.
 */
export async function pruneFilterValues(db: Kysely<LogsDatabase>): Promise<void> {
  await db
    .deleteFrom("log_filter_values")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("log_hourly_totals")
            .select("log_hourly_totals.hour")
            .whereRef("log_hourly_totals.dimension", "=", "log_filter_values.kind")
            .whereRef("log_hourly_totals.value", "=", "log_filter_values.value")
            .limit(1),
        ),
      ),
    )
    .execute();
}
