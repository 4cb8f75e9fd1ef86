import type { Kysely } from "kysely";
import type { LogFilterData, LogRow } from "../log-store.js";
import type { FilterValueKind, LogFilterValuesTable, LogsDatabase } from "./log-tables.js";

/** As Bifrost caps each filter dimension. */
const MAX_VALUES_PER_KIND = 1_000;

/** The `logs` column each kind of value comes from (each has an index, so "is it still there?" is one probe). */
const KIND_COLUMNS = {
  model: "model",
  provider: "provider",
  selected_key_name: "selected_key_name",
  object: "object_type",
  stop_reason: "stop_reason",
  virtual_key: "virtual_key_id",
} as const satisfies Record<FilterValueKind, string>;

const KINDS = Object.keys(KIND_COLUMNS) as FilterValueKind[];

/** The values a batch of rows brings, once each, for the side table of filter values. */
function filterValuesOf(rows: readonly LogRow[]): LogFilterValuesTable[] {
  const values = new Map<string, LogFilterValuesTable>();
  const add = (kind: FilterValueKind, value: string | null, label: string | null = value) => {
    if (value === null || value === "" || label === null) return;
    values.set(`${kind}\u0000${value}`, { kind, value, label });
  };
  for (const row of rows) {
    add("model", row.model);
    add("provider", row.provider);
    add("selected_key_name", row.selected_key_name);
    add("object", row.object);
    add("stop_reason", row.stop_reason);
    add("virtual_key", row.virtual_key_id, row.virtual_key_name ?? row.virtual_key_id);
  }
  return [...values.values()];
}

/**
 * The statement recording the filter values of rows being inserted (run it inside the insert's
 * transaction), or undefined when they bring none.
 */
export function filterValuesInsert(db: Kysely<LogsDatabase>, rows: readonly LogRow[]) {
  const values = filterValuesOf(rows);
  if (values.length === 0) return undefined;
  return (
    db
      .insertInto("log_filter_values")
      .values(values)
      // A virtual key renamed since: show its latest name. Unchanged labels write nothing.
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

/** After rows were deleted: forgets the values no row carries any more. */
export async function pruneFilterValues(db: Kysely<LogsDatabase>): Promise<void> {
  for (const kind of KINDS) {
    const column = KIND_COLUMNS[kind];
    await db
      .deleteFrom("log_filter_values")
      .where("log_filter_values.kind", "=", kind)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("logs").select("logs.seq").whereRef(`logs.${column}`, "=", "log_filter_values.value").limit(1))))
      .execute();
  }
}
