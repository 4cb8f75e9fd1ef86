import { failure } from "../schema/error.js";

/**
 * The one place upstream URLs are built. What the operator configured (base_url, an Azure endpoint,
 * request_path_overrides) and what the code writes is trusted and may hold a path; every value a
 * client or a provider's answer supplies becomes exactly one encoded path segment, so `/`, `..`, `?`,
 * `#` and `%` in it cannot move a request (and the credentials on it) anywhere else.
 *
 * Both kinds are branded strings, and the url of a request a provider builds (`BuiltUpstreamRequest`)
 * takes only an `UpstreamUrl`, so a path glued together from raw strings does not typecheck.
 */

declare const upstreamUrlBrand: unique symbol;
declare const pathSegmentBrand: unique symbol;

/** Text of an upstream URL, or of a piece of one, that is safe to send: trusted or encoded. */
export type UpstreamUrl = string & { readonly [upstreamUrlBrand]: true };

/** One client- or provider-supplied value, checked and encoded as a single path segment. */
export type PathSegment = string & { readonly [pathSegmentBrand]: true };

/** The longest id or model name a provider could have issued; anything longer is refused unsent. */
export const MAX_PATH_SEGMENT_LENGTH = 512;

/** U+0000–U+001F and U+007F: no provider issues ids with them, and some servers split on them. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A base URL from operator config (`base_url`, an Azure endpoint); trailing slashes dropped. */
export function upstreamBase(configured: string): UpstreamUrl {
  return configured.replace(/\/+$/, "") as UpstreamUrl;
}

/** A path written in code or configured by the operator (`request_path_overrides`), used as is. */
export function trustedPath(path: string): UpstreamUrl {
  return path as UpstreamUrl;
}

/**
 * A URL from trusted pieces and encoded segments, written as a template:
 * ``upstreamUrl`${root}/models/${pathSegment(model, "model")}:generateContent` ``.
 * The template's own text is code; every interpolation must already be safe.
 */
export function upstreamUrl(text: TemplateStringsArray, ...parts: ReadonlyArray<UpstreamUrl | PathSegment>): UpstreamUrl {
  let url = text[0] ?? "";
  for (let i = 0; i < parts.length; i++) url += parts[i]! + (text[i + 1] ?? "");
  return url as UpstreamUrl;
}

/**
 * A value from the client as one path segment; a 400 naming `param` when no provider could have
 * issued it (empty, `.` or `..`, control characters, longer than MAX_PATH_SEGMENT_LENGTH).
 */
export function pathSegment(value: string, param: string): PathSegment {
  const problem = segmentProblem(value);
  if (problem) throw failure({ status: 400, message: `${param} ${problem}`, param });
  return encodeSegment(value);
}

/**
 * A value from a provider's own answer (a batch's output file) as one path segment for the next
 * request of a chain; an unusable one is the provider's fault, so a 502.
 */
export function answeredSegment(value: string, field: string): PathSegment {
  const problem = segmentProblem(value);
  if (problem) throw failure({ status: 502, message: `provider answered with a ${field} that cannot be requested: it ${problem}` });
  return encodeSegment(value);
}

/** A whole URL a provider answered with (Google's resumable upload URL); only http(s) is followed. */
export function answeredUrl(value: string, field: string): UpstreamUrl {
  if (!/^https?:\/\/[^/?#]/i.test(value) || CONTROL_CHARACTER.test(value)) {
    throw failure({ status: 502, message: `provider answered with a ${field} that is not an http(s) URL` });
  }
  return value as UpstreamUrl;
}

export type QueryParams = URLSearchParams | Record<string, string | undefined>;

/** `url?query` (or `url&query` when it has one) with the given parameters; undefined ones are left out. */
export function withQuery(url: UpstreamUrl, params: QueryParams | undefined): UpstreamUrl {
  const query = new URLSearchParams();
  if (params instanceof URLSearchParams) params.forEach((value, name) => query.append(name, value));
  else for (const [name, value] of Object.entries(params ?? {})) if (value !== undefined) query.set(name, value);
  const text = query.toString();
  if (!text) return url;
  return `${url}${url.includes("?") ? "&" : "?"}${text}` as UpstreamUrl;
}

/** `target`, given the query string of `source` when it has none of its own (a request moved by a path override). */
export function withQueryOf(target: UpstreamUrl, source: UpstreamUrl): UpstreamUrl {
  const at = source.indexOf("?");
  return at === -1 || target.includes("?") ? target : ((target + source.slice(at)) as UpstreamUrl);
}

function segmentProblem(value: string): string | undefined {
  if (value === "") return "must not be empty";
  if (value === "." || value === "..") return `must not be '${value}'`;
  if (CONTROL_CHARACTER.test(value)) return "must not contain control characters";
  if (value.length > MAX_PATH_SEGMENT_LENGTH) return `must be at most ${MAX_PATH_SEGMENT_LENGTH} characters`;
  return undefined;
}

/**
 * encodeURIComponent, which leaves no `/ ? # %` and encodes `:` (so a Gemini `:method` suffix stays
 * ours and Bedrock ids are signed as AWS SDKs send them); `@` stays literal, as RFC 3986 allows in a
 * segment and as Vertex writes model versions (`claude-sonnet-4-5@20250929`).
 */
function encodeSegment(value: string): PathSegment {
  return encodeURIComponent(value).replace(/%40/g, "@") as PathSegment;
}
