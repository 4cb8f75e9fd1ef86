/**
 * Anthropic pages lists with `limit`, `after_id` and `before_id`; the canonical (OpenAI) cursor
 * names `after` and `before` are translated.
 */
export function anthropicPageQuery(query: URLSearchParams | undefined): Record<string, string | undefined> {
  return {
    limit: query?.get("limit") ?? undefined,
    after_id: query?.get("after_id") ?? query?.get("after") ?? undefined,
    before_id: query?.get("before_id") ?? query?.get("before") ?? undefined,
  };
}
