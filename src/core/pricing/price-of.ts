import { isRecord } from "../../schema/json.js";
import type { RequestType } from "../../schema/request-type.js";
import type { PriceCatalog } from "./price-catalog.js";
import { costOf, sheetAt, type TokenCounts } from "./price-sheet.js";

/**
 * Token usage as an answer carries it: canonical (OpenAI chat) names — `prompt_tokens` (including
 * cache reads `prompt_tokens_details.cached_tokens` and writes `…cache_creation_tokens`),
 * `completion_tokens` (including `completion_tokens_details.reasoning_tokens`), `total_tokens` —
 * or the Responses API's `input_tokens`, `output_tokens`, `input_tokens_details`,
 * `output_tokens_details`, read the same way as the log row reads them. A field that is missing or
 * not a count counts as 0.
 */
export type PricedUsage = Readonly<Record<string, unknown>>;

export interface PriceRequest {
  provider: string;
  /** The model as the request named it, without `provider/`: an Azure or Bedrock alias, not its deployment. */
  model: string;
  /** The deployment that served it (`extra_fields.model_deployment`), priced when the model name itself has no price. */
  deployment?: string | undefined;
  requestType: RequestType;
  /** Absent when the answer carried none: then there is nothing to price. */
  usage?: PricedUsage | undefined;
  /** When the request was made, ms since the epoch (some prices change on a date or by time of day); default now. */
  startedAt?: number;
}

/** Request types billed by tokens; a stream is billed as its base type. Speech, transcription and images are billed by other units. */
const TOKEN_PRICED = new Set(["chat_completion", "text_completion", "responses", "embedding", "rerank"]);

/**
 * The cost of one request in USD, or null when nothing prices it (an unknown model, a self-hosted
 * provider, a request type not billed by tokens). Never a made-up 0: the caller counts the nulls.
 * The one function logging, metrics and budgets all charge with.
 */
export function priceOf(catalog: PriceCatalog, request: PriceRequest): number | null {
  const requestType = request.requestType.endsWith("_stream") ? request.requestType.slice(0, -"_stream".length) : request.requestType;
  const usage = request.usage;
  if (!TOKEN_PRICED.has(requestType) || usage === undefined) return null;
  let schedule = catalog.pricesOf(request.provider, request.model, requestType);
  if (!schedule && request.deployment && request.deployment !== request.model) {
    schedule = catalog.pricesOf(request.provider, request.deployment, requestType);
  }
  const sheet = schedule && sheetAt(schedule, request.startedAt ?? Date.now());
  return sheet ? costOf(sheet, tokenCounts(usage)) : null;
}

/** Counts made consistent the way Bifrost clamps malformed provider usage: cached parts never exceed the prompt, reasoning never exceeds the completion. */
function tokenCounts(usage: PricedUsage): TokenCounts {
  const promptDetails = recordOf(usage["prompt_tokens_details"] ?? usage["input_tokens_details"]);
  const completionDetails = recordOf(usage["completion_tokens_details"] ?? usage["output_tokens_details"]);
  const completion = count(usage["completion_tokens"] ?? usage["output_tokens"]);
  const reportedPrompt = usage["prompt_tokens"] ?? usage["input_tokens"];
  const prompt = reportedPrompt === undefined ? Math.max(0, count(usage["total_tokens"]) - completion) : count(reportedPrompt);
  const cacheRead = Math.min(count(promptDetails["cached_tokens"]), prompt);
  const cacheWrite = Math.min(count(promptDetails["cache_creation_tokens"] ?? usage["cache_creation_input_tokens"]), prompt - cacheRead);
  const reasoning = Math.min(count(completionDetails["reasoning_tokens"]), completion);
  return { prompt, completion, cacheRead, cacheWrite, reasoning };
}

function recordOf(value: unknown): Readonly<Record<string, unknown>> {
  return isRecord(value) ? value : {};
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}
