import type { GeminiLogprobsResult } from "./gemini-types.js";

interface OpenAITokenLogprob {
  token: string;
  logprob: number;
  bytes: null;
  top_logprobs: Array<{ token: string; logprob: number; bytes: null }>;
}

/** Gemini `logprobsResult` (chosen token per step + top candidates per step) → OpenAI `logprobs.content`. */
export function mapGeminiLogprobs(result: GeminiLogprobsResult): { content: OpenAITokenLogprob[] } {
  const top = result.topCandidates ?? [];
  return {
    content: (result.chosenCandidates ?? []).map((chosen, step) => ({
      token: chosen.token ?? "",
      logprob: chosen.logProbability ?? 0,
      bytes: null,
      top_logprobs: (top[step]?.candidates ?? []).map((c) => ({ token: c.token ?? "", logprob: c.logProbability ?? 0, bytes: null })),
    })),
  };
}
