import { describe, expect, it } from "vitest";
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
