/** Canonical rerank types, in Bifrost's shape (`/v1/rerank`). */

export type RerankDocument = string | { text: string; [extra: string]: unknown };

export interface RerankRequest {
  model: string;
  query: string;
  documents: RerankDocument[];
  top_n?: number;
  return_documents?: boolean;
  max_tokens_per_doc?: number;
  [extra: string]: unknown;
}

export interface RerankResult {
  /** Position of the document in the request's `documents`. */
  index: number;
  relevance_score: number;
  /** The document as sent, when `return_documents` was true. */
  document?: { text: string; [extra: string]: unknown };
}

export interface RerankResponse {
  id?: string;
  /** Most relevant first. */
  results: RerankResult[];
  model: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; search_units?: number };
  [extra: string]: unknown;
}

export function rerankDocumentText(doc: RerankDocument): string {
  return typeof doc === "string" ? doc : doc.text;
}
