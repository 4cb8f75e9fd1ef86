import { randomUUID } from "node:crypto";
import type { RequestType } from "./request-type.js";

/** The error body every Iris response uses, in Bifrost's wire shape. */
export interface BifrostError {
  event_id: string;
  type: string;
  is_bifrost_error: boolean;
  status_code: number;
  error: {
    type: string;
    code: string | null;
    message: string;
    param: string | null;
    event_id: string;
  };
  extra_fields: ErrorExtraFields;
}

export interface ErrorExtraFields {
  provider?: string;
  model_requested?: string;
  request_type?: RequestType;
  raw_response?: unknown;
}

export interface ErrorDetails {
  status: number;
  message: string;
  type?: string;
  code?: string | null;
  param?: string | null;
  extra?: ErrorExtraFields;
}

/** Gateway-made error: the gateway decided this request cannot proceed. */
export function gatewayError(d: ErrorDetails): BifrostError {
  return makeError(d, true);
}

/** Upstream error: a provider answered with an error; its own words are kept. */
export function upstreamError(d: ErrorDetails): BifrostError {
  return makeError(d, false);
}

function makeError(d: ErrorDetails, isBifrost: boolean): BifrostError {
  const eventId = randomUUID();
  const type = d.type ?? defaultTypeFor(d.status);
  return {
    event_id: eventId,
    type,
    is_bifrost_error: isBifrost,
    status_code: d.status,
    error: {
      type,
      code: d.code ?? null,
      message: d.message,
      param: d.param ?? null,
      event_id: eventId,
    },
    extra_fields: d.extra ?? {},
  };
}

function defaultTypeFor(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 408 || status === 504) return "timeout_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** Thrown across async boundaries inside the engine; carries a BifrostError value. */
export class GatewayFailure extends Error {
  constructor(readonly body: BifrostError) {
    super(body.error.message);
    this.name = "GatewayFailure";
  }
  get status(): number {
    return this.body.status_code;
  }
}

export function failure(d: ErrorDetails): GatewayFailure {
  return new GatewayFailure(gatewayError(d));
}

export function withErrorContext(err: BifrostError, extra: ErrorExtraFields): BifrostError {
  err.extra_fields = { ...extra, ...err.extra_fields };
  return err;
}
