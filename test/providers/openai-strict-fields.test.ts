import { describe, expect, it } from "vitest";
import { effortForReasoningBudget } from "../../src/providers/openai/openai-quirks.js";
import { configuredProvider } from "./stream-reassembly.js";

const history = {
  model: "gpt-4o",
  messages: [
    { role: "user", content: "weather in Paris?" },
    {
      role: "assistant",
      content: null,
      reasoning: "The user wants the weather.",
      reasoning_details: [{ type: "reasoning.text", text: "The user wants the weather.", signature: "sig-1" }],
      tool_calls: [
        {
          id: "call_1",
          type: "function",
          function: { name: "weather", arguments: '{"city":"Paris"}' },
          extra_content: { google: { thought_signature: "c2ln" } },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "sunny" },
  ],
};

function sentBody(provider: string, body: Record<string, unknown>): Record<string, unknown> {
  const p = configuredProvider(provider);
  const req = p.adapter.buildRequest(p.call("chat", String(body["model"]), { body }));
  return JSON.parse(req.body ?? "{}") as Record<string, unknown>;
}

describe("OpenAI's strict message validation", () => {
  it("does not receive reasoning fields or thought signatures that came from another provider's turn", () => {
    for (const provider of ["openai", "azure"]) {
      const sent = sentBody(provider, history);
      const assistant = (sent["messages"] as Record<string, unknown>[])[1]!;
      expect(assistant).not.toHaveProperty("reasoning");
      expect(assistant).not.toHaveProperty("reasoning_details");
      expect(assistant["tool_calls"]).toEqual([{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }]);
    }
  });

  it("leaves the caller's canonical body untouched", () => {
    const body = structuredClone(history);
    sentBody("openai", body);
    expect(body).toEqual(history);
  });

  it("keeps those fields for providers that read them", () => {
    const sent = sentBody("openrouter", history);
    expect((sent["messages"] as Record<string, unknown>[])[1]).toHaveProperty("reasoning");
  });

  it("sends max_completion_tokens to reasoning models that refuse max_tokens", () => {
    expect(sentBody("openai", { ...history, model: "o3-mini", max_tokens: 50 })).toMatchObject({ max_completion_tokens: 50 });
    expect(sentBody("openai", { ...history, model: "o3-mini", max_tokens: 50 })).not.toHaveProperty("max_tokens");
    expect(sentBody("openai", { ...history, model: "gpt-4o", max_tokens: 50 })).toMatchObject({ max_tokens: 50 });
  });

  it("turns canonical reasoning effort into OpenAI's reasoning_effort", () => {
    const sent = sentBody("openai", { ...history, model: "o3-mini", reasoning: { effort: "high", max_tokens: 2048 } });
    expect(sent).toMatchObject({ reasoning_effort: "high" });
    expect(sent).not.toHaveProperty("reasoning");
  });
});

describe("a canonical reasoning budget sent to OpenAI's chat API", () => {
  const thinking = (reasoning: Record<string, unknown>, limits: Record<string, unknown> = {}) =>
    sentBody("openai", { ...history, model: "o3-mini", reasoning, ...limits });

  it("becomes the effort its share of the output limit asks for, never dropped", () => {
    expect(thinking({ max_tokens: 1024 })).toMatchObject({ reasoning_effort: "low" });
    expect(thinking({ max_tokens: 2048 }, { max_tokens: 4096 })).toMatchObject({ reasoning_effort: "medium", max_completion_tokens: 4096 });
    expect(thinking({ max_tokens: 3000 }, { max_completion_tokens: 4096 })).toMatchObject({ reasoning_effort: "high" });
    expect(thinking({ max_tokens: 1024 }, { max_completion_tokens: 1500 })).toMatchObject({ reasoning_effort: "high" });
    expect(thinking({ max_tokens: 1024 })).not.toHaveProperty("reasoning");
  });

  it("turns reasoning off for a zero budget and counts a budget above the limit as the whole limit", () => {
    expect(thinking({ max_tokens: 0 })).toMatchObject({ reasoning_effort: "none" });
    expect(thinking({ max_tokens: 50_000 })).toMatchObject({ reasoning_effort: "high" });
  });

  it("gives way to an explicit reasoning_effort", () => {
    expect(thinking({ max_tokens: 16_000 }, { reasoning_effort: "minimal" })).toMatchObject({ reasoning_effort: "minimal" });
  });

  it("reaches Azure OpenAI deployments the same way", () => {
    const sent = sentBody("azure", { ...history, reasoning: { max_tokens: 1024 } });
    expect(sent).toMatchObject({ reasoning_effort: "low" });
    expect(sent).not.toHaveProperty("reasoning");
  });
});

describe("effortForReasoningBudget", () => {
  it.each([
    [1, 4096, "low"],
    [1024, 4096, "low"],
    [1100, 4096, "medium"],
    [2457, 4096, "medium"],
    [2459, 4096, "high"],
    [4096, 4096, "high"],
    [-1, 4096, "none"],
    [10, 1, "high"],
  ])("a budget of %i against an output limit of %i asks for %s effort", (budget, limit, effort) => {
    expect(effortForReasoningBudget(budget, limit)).toBe(effort);
  });
});

describe("OpenAI-compatible APIs that take reasoning_effort", () => {
  it.each(["groq", "xai", "deepseek", "perplexity", "cerebras", "fireworks", "mistral"])("%s gets a canonical budget or effort as reasoning_effort, not the reasoning object", (provider) => {
    const budget = sentBody(provider, { model: "m", messages: [{ role: "user", content: "2+2?" }], reasoning: { max_tokens: 1024 } });
    const effort = sentBody(provider, { model: "m", messages: [{ role: "user", content: "2+2?" }], reasoning: { effort: "high" } });

    expect(budget).toMatchObject({ reasoning_effort: "low" });
    expect(effort).toMatchObject({ reasoning_effort: "high" });
    expect(budget).not.toHaveProperty("reasoning");
    expect(effort).not.toHaveProperty("reasoning");
  });

  it("keeps Mistral's own renames alongside the reasoning mapping", () => {
    const sent = sentBody("mistral", { model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 4096, reasoning: { max_tokens: 3500 } });
    expect(sent).toMatchObject({ max_tokens: 4096, reasoning_effort: "high" });
    expect(sent).not.toHaveProperty("max_completion_tokens");
  });

  it("leaves the reasoning object to OpenRouter, which reads budgets itself", () => {
    const sent = sentBody("openrouter", { model: "m", messages: [{ role: "user", content: "hi" }], reasoning: { max_tokens: 1024 } });
    expect(sent["reasoning"]).toEqual({ max_tokens: 1024 });
    expect(sent).not.toHaveProperty("reasoning_effort");
  });
});
