import { admits, admitsNothing } from "./allow-list.js";
import type { GatewayConfig, KeySettings } from "./types.js";

export interface ConfigWarning {
  message: string;
  details: Record<string, unknown>;
}

/**
 * What start-up says once about a config that loaded: the fields Iris does not act on yet, and the
 * keys that can serve no model (named by key name, never by value). One line each, or none.
 */
export function configWarnings(config: GatewayConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  if (config.notImplemented.length > 0) {
    warnings.push({
      message: `config fields accepted but not implemented yet: ${config.notImplemented.join(", ")}`,
      details: { notImplemented: config.notImplemented },
    });
  }
  const idle = keysServingNoModel(config);
  if (idle.size > 0) {
    const named = [...idle].map(([provider, keys]) => `${provider}: ${keys.join(", ")}`).join("; ");
    warnings.push({
      message:
        `keys that can serve no model: ${named} ` +
        `(an empty or missing "models" allows none unless the config says "version": 1; ["*"] allows every model; blacklisted_models ["*"] blocks all)`,
      details: { keysServingNoModel: Object.fromEntries(idle) },
    });
  }
  const unusable = unusableProviderConfigs(config);
  if (unusable.length > 0) {
    warnings.push({
      message:
        `virtual key provider configs that can serve nothing: ${unusable.join("; ")} ` +
        `(an empty or missing allowed_models or key_ids allows none unless the config says "version": 1; ["*"] allows all)`,
      details: { virtualKeyProviderConfigsServingNothing: unusable },
    });
  }
  return warnings;
}

/** `<virtual key name>/<provider>: allowed_models` (or `key_ids`, or a key id naming no key of the provider) for each provider config that lets nothing through. */
function unusableProviderConfigs(config: GatewayConfig): string[] {
  const found: string[] = [];
  for (const key of config.governance?.virtualKeys ?? []) {
    for (const pc of key.providerConfigs) {
      const keyNames = config.providers.get(pc.provider)?.keys.map((k) => k.name) ?? [];
      const why: string[] = [];
      if (admitsNothing(pc.allowedModels)) why.push("allowed_models");
      const keyIds = pc.keyIds;
      if (!keyIds.everything && !keyNames.some((name) => keyIds.names.has(name))) why.push("key_ids");
      if (why.length > 0) found.push(`${key.name}/${pc.provider}: ${why.join(", ")}`);
    }
  }
  return found;
}

/** Provider → names of its keys whose `models` admit nothing that their `blacklisted_models` do not block. */
function keysServingNoModel(config: GatewayConfig): Map<string, string[]> {
  const idle = new Map<string, string[]>();
  for (const provider of config.providers.values()) {
    const names = provider.keys.filter(servesNoModel).map((k) => k.name);
    if (names.length > 0) idle.set(provider.name, names);
  }
  return idle;
}

function servesNoModel(key: KeySettings): boolean {
  if (key.blacklistedModels.everything) return true;
  return !key.models.everything && [...key.models.names].every((name) => admits(key.blacklistedModels, name));
}
