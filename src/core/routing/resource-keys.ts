import type { KeySettings } from "../../config/types.js";
import type { EngineRequest } from "../engine-request.js";
import { isRecord, type JsonObject } from "../../schema/json.js";
import type { Operation } from "../../schema/request-type.js";
import { keysForModel } from "./key-pool.js";
import type { ResourceKeyStore } from "../../stores/resource-key-store.js";

/** Operations whose answer names a resource later calls will address. */
const CREATES: ReadonlySet<Operation> = new Set(["file_upload", "batch_create", "container_create", "container_file_create", "responses"]);

/** Operations after which the resource is gone. */
const DELETES: ReadonlySet<Operation> = new Set(["file_delete", "container_delete", "responses_delete"]);

/** Whether a successful call of this operation makes or removes a resource worth remembering. */
export function changesResources(op: Operation): boolean {
  return CREATES.has(op) || DELETES.has(op);
}

/** The resource a request is about (its own id, or one its body builds on), if it names one. */
export function resourceAddressed(req: Pick<EngineRequest, "op" | "resourceId" | "childId" | "body">): string | undefined {
  if (req.childId !== undefined) return req.childId;
  if (req.resourceId !== undefined) return req.resourceId;
  const body = req.body;
  if (req.op === "batch_create" && typeof body?.["input_file_id"] === "string") return body["input_file_id"];
  if (req.op === "responses" && typeof body?.["previous_response_id"] === "string") return body["previous_response_id"];
  return undefined;
}

/**
 * The key that made the addressed resource `id` (for a container file, else its container), when it
 * is still one of the pool's keys and may serve the model.
 */
export async function affineKey(
  store: ResourceKeyStore,
  provider: string,
  keys: readonly KeySettings[],
  model: string | undefined,
  id: string,
  req: Pick<EngineRequest, "resourceId" | "childId">,
): Promise<string | undefined> {
  const name =
    (await store.keyFor(provider, id)) ??
    (req.childId !== undefined && req.resourceId !== undefined ? await store.keyFor(provider, req.resourceId) : undefined);
  return keysForModel(keys, model).find((k) => k.name === name)?.name;
}

/** Records (or drops) what a successful call made (or deleted). */
export async function noteResource(
  store: ResourceKeyStore,
  provider: string,
  keyName: string,
  op: Operation,
  req: Pick<EngineRequest, "resourceId" | "childId">,
  body: JsonObject | undefined,
): Promise<void> {
  if (DELETES.has(op)) {
    const id = req.childId ?? req.resourceId;
    if (id !== undefined) await store.forget(provider, id);
    return;
  }
  if (!CREATES.has(op) || !isRecord(body) || typeof body["id"] !== "string") return;
  await store.remember(provider, body["id"], keyName);
}
