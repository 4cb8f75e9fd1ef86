/**
 * Bifrost's allow-list convention, in one place: `["*"]` is everything, a list of names is exactly
 * those names, and an empty list is nothing, unless the config says `version: 1` (Bifrost v1.4
 * semantics), where an empty list is everything. A missing list reads as an empty one, as Bifrost's
 * loader reads it. Key `models` and `blacklisted_models` use it today; virtual-key `allowed_models`
 * and `key_ids` will use it when governance lands.
 */

export type AllowList = { readonly everything: true } | { readonly everything: false; readonly names: ReadonlySet<string> };

/** What an empty list means: `version: 1` configs read it as everything, `version: 2` (and no version) as nothing. */
export type EmptyListMeans = "everything" | "nothing";

export const WILDCARD = "*";

const EVERYTHING: AllowList = { everything: true };
const NOTHING: AllowList = { everything: false, names: new Set() };

/** The reading of an empty allow-list for a config's top-level `version` (Bifrost's default is 2). */
export function emptyListMeaning(version: number | undefined): EmptyListMeans {
  return version === 1 ? "everything" : "nothing";
}

/** A list as written in config.json; a problem (a string) when it mixes `"*"` with names, which Bifrost rejects too. */
export function parseAllowList(raw: readonly string[] | undefined, empty: EmptyListMeans): AllowList | { problem: string } {
  if (raw === undefined || raw.length === 0) return empty === "everything" ? EVERYTHING : NOTHING;
  if (!raw.includes(WILDCARD)) return { everything: false, names: new Set(raw) };
  if (raw.every((name) => name === WILDCARD)) return EVERYTHING;
  return { problem: `"*" cannot be mixed with names (write ["*"] alone, or list the names)` };
}

export function admits(list: AllowList, item: string): boolean {
  return list.everything || list.names.has(item);
}

export function admitsNothing(list: AllowList): boolean {
  return !list.everything && list.names.size === 0;
}

/** `*`, `none`, or the names, comma-separated: for messages. */
export function describeAllowList(list: AllowList): string {
  if (list.everything) return WILDCARD;
  return list.names.size === 0 ? "none" : [...list.names].join(", ");
}
