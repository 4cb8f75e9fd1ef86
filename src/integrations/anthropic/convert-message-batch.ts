import { isRecord, type JsonObject } from "../../schema/json.js";
import type { BatchStatus, CanonicalBatch } from "../../schema/resources.js";
import type { AnthropicMessageBatch } from "../../providers/anthropic/message-batches.js";

/**
 * Canonical batch → Anthropic's Message Batch, for the `/anthropic` surface. `results_url` points at
 * the gateway (the SDK fetches results from it), and only once the batch has ended, as Anthropic does.
 */
export function toAnthropicMessageBatch(batch: CanonicalBatch, resultsUrl: string): AnthropicMessageBatch {
  const c = batch.request_counts;
  const processingStatus = anthropicStatus(batch);
  return {
    id: batch.id,
    type: "message_batch",
    processing_status: processingStatus,
    request_counts: { processing: c.pending, succeeded: c.succeeded, errored: c.failed, canceled: c.canceled, expired: c.expired },
    created_at: isoTime(batch.created_at) ?? new Date(0).toISOString(),
    expires_at: isoTime(batch.expires_at),
    ended_at: processingStatus === "ended" ? isoTime(batch.completed_at ?? batch.cancelled_at) : null,
    cancel_initiated_at: isoTime(batch.cancelling_at),
    archived_at: isoTime(batch.archived_at),
    results_url: processingStatus === "ended" ? resultsUrl : null,
  };
}

/** Canonical batch list → Anthropic's `{data, has_more, first_id, last_id}`. */
export function toAnthropicBatchList(list: JsonObject, resultsUrlOf: (id: string) => string): JsonObject {
  const data = Array.isArray(list["data"])
    ? list["data"].filter(isRecord).map((b) => toAnthropicMessageBatch(b as CanonicalBatch, resultsUrlOf(String(b["id"]))))
    : [];
  return { data, has_more: list["has_more"] === true, first_id: list["first_id"] ?? data[0]?.id ?? null, last_id: list["last_id"] ?? data.at(-1)?.id ?? null };
}

const ENDED: ReadonlySet<BatchStatus> = new Set(["completed", "failed", "expired", "cancelled"]);

function anthropicStatus(batch: CanonicalBatch): AnthropicMessageBatch["processing_status"] {
  const own = batch.processing_status;
  if (own === "in_progress" || own === "canceling" || own === "ended") return own;
  if (batch.status === "cancelling") return "canceling";
  return ENDED.has(batch.status) ? "ended" : "in_progress";
}

function isoTime(seconds: number | null | undefined): string | null {
  return typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : null;
}
