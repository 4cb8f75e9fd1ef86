export type EmbeddingInput = string | string[] | number[] | number[][];

export interface EmbeddingRequest {
  model: string;
  input: EmbeddingInput;
  encoding_format?: "float" | "base64";
  dimensions?: number;
  user?: string;
  [extra: string]: unknown;
}

export interface EmbeddingData {
  object: "embedding";
  index: number;
  embedding: number[] | string;
  [extra: string]: unknown;
}

export interface EmbeddingResponse {
  object: "list";
  data: EmbeddingData[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** OpenAI's base64 embedding encoding: little-endian float32 bytes. */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString("base64");
}
