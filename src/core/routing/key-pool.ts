import type { KeySettings } from "../../config/types.js";
import { failure, type GatewayFailure } from "../schema/error.js";

export interface KeySelection {
  /** `x-bf-api-key`: pin a key by name. */
  pinnedName?: string;
  /** Keys already tried and rate-limited in this request. */
  exclude?: ReadonlySet<string>;
}

/** Keys whose allow-list admits the model (an empty list admits every model; no model admits every key). */
export function keysForModel(keys: readonly KeySettings[], model: string | undefined): readonly KeySettings[] {
  if (model === undefined || keys.every((k) => k.models.length === 0)) return keys;
  return keys.filter((k) => k.models.length === 0 || k.models.includes(model));
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
    if (!pinned) return failure({ status: 400, message: `x-bf-api-key names '${selection.pinnedName}', which is not a key of provider '${provider}'`, param: "x-bf-api-key" });
    if (model !== undefined && pinned.models.length > 0 && !pinned.models.includes(model)) {
      return failure({ status: 400, message: `key '${pinned.name}' of provider '${provider}' does not allow model '${model}'`, param: "model" });
    }
    return pinned;
  }
  const allowed = keysForModel(keys, model);
  if (allowed.length === 0) {
    const message = keys.length === 0
      ? `provider '${provider}' has no keys configured`
      : `no key of provider '${provider}' allows model '${model ?? ""}'`;
    return failure({ status: 400, message, param: "model" });
  }
  const candidates = selection.exclude?.size ? allowed.filter((k) => !selection.exclude!.has(k.name)) : allowed;
  return weightedPick(candidates.length > 0 ? candidates : allowed, random);
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
