import { admits, admitsNothing, describeAllowList } from "../../config/allow-list.js";
import type { KeySettings } from "../../config/types.js";
import { failure, type GatewayFailure } from "../../schema/error.js";

export interface KeySelection {
  /** `x-bf-api-key`: pin a key by name. */
  pinnedName?: string;
  /** Keys already tried and rate-limited in this request. */
  exclude?: ReadonlySet<string>;
}

/** A key serves a model its `models` admit and its `blacklisted_models` do not. */
export function keyServes(key: KeySettings, model: string): boolean {
  return admits(key.models, model) && !admits(key.blacklistedModels, model);
}

/** Keys that serve the model (no model: every key, for calls that name none). */
export function keysForModel(keys: readonly KeySettings[], model: string | undefined): readonly KeySettings[] {
  if (model === undefined || keys.every(servesEveryModel)) return keys;
  return keys.filter((k) => keyServes(k, model));
}

function servesEveryModel(key: KeySettings): boolean {
  return key.models.everything && admitsNothing(key.blacklistedModels);
}

/**
 * Picks a key for a model: weighted random among allowed keys not excluded, or the pinned key.
 * Returns a GatewayFailure value when no key can serve.
 */
export function selectKey(
  provider: string,
  keys: readonly KeySettings[],
  model: string | undefined,
  selection: KeySelection = {},
  random: () => number = Math.random,
): KeySettings | GatewayFailure {
  if (selection.pinnedName !== undefined) {
    const pinned = keys.find((k) => k.name === selection.pinnedName);
    if (!pinned)
      return failure({
        status: 400,
        message: `x-bf-api-key names '${selection.pinnedName}', which is not a key of provider '${provider}'`,
        param: "x-bf-api-key",
      });
    if (model !== undefined && !keyServes(pinned, model)) return modelNotAllowed(provider, [pinned], model);
    return pinned;
  }
  if (keys.length === 0) return failure({ status: 400, message: `provider '${provider}' has no keys configured`, param: "model" });
  const allowed = keysForModel(keys, model);
  if (allowed.length === 0) return modelNotAllowed(provider, keys, model ?? "");
  const candidates = selection.exclude?.size ? allowed.filter((k) => !selection.exclude!.has(k.name)) : allowed;
  return weightedPick(candidates.length > 0 ? candidates : allowed, random);
}

/** "keys main, backup of provider 'openai' do not allow model 'gpt-4o' (allowed: gpt-4o-mini)": keys by name, never by value. */
function modelNotAllowed(provider: string, keys: readonly KeySettings[], model: string): GatewayFailure {
  const names = keys.map((k) => k.name).join(", ");
  const subject = keys.length === 1 ? `key ${names} of provider '${provider}' does not` : `keys ${names} of provider '${provider}' do not`;
  const lists = keys.map(describeModels);
  const allowed = lists.every((list) => list === lists[0]) ? lists[0] : keys.map((k, i) => `${k.name}: ${lists[i]}`).join("; ");
  return failure({ status: 400, message: `${subject} allow model '${model}' (allowed: ${allowed})`, param: "model" });
}

/** `gpt-4o-mini`, `*`, `none`, `* except gpt-4o`. */
function describeModels(key: KeySettings): string {
  const blocked = key.blacklistedModels;
  const except = admitsNothing(blocked) ? "" : ` except ${describeAllowList(blocked)}`;
  return `${describeAllowList(key.models)}${except}`;
}

function weightedPick(keys: readonly KeySettings[], random: () => number): KeySettings {
  if (keys.length === 1) return keys[0]!;
  const total = keys.reduce((sum, k) => sum + k.weight, 0);
  let point = random() * total;
  for (const key of keys) {
    point -= key.weight;
    if (point < 0) return key;
  }
  return keys[keys.length - 1]!;
}
