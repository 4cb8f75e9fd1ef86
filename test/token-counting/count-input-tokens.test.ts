/**
 * The local counter: message texts through the bundled tokenizer plus OpenAI's documented framing
 * (3 per message + role, 1 per name, 3 to prime the reply), tool calls and tool definitions, fixed
 * estimates for images (flagged as estimated), and whichever encoding it is given.
 */
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/schema/chat.js';
import { loadTokenizer } from '../../src/core/token-counting/bundled-tokenizers.js';
import { countChatInputTokens } from '../../src/core/token-counting/count-input-tokens.js';

/** Text whose cl100k_base and o200k_base counts differ, so the encoding used is visible. */
const MULTILINGUAL = 'Привет, как дела? 今日はいい天気ですね。 Ça va très bien, merci !';

function chat(messages: ChatRequest['messages'], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'm', messages, ...extra };
}

describe('countChatInputTokens', () => {
  it('frames each message the way OpenAI documents and primes the reply', async () => {
    const tokenizer = await loadTokenizer('o200k_base');
    const count = countChatInputTokens(
      chat([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: MULTILINGUAL, name: 'ada' },
      ]),
      tokenizer,
    );
    expect(count).toEqual({
      tokens: 3 + (3 + o200k('system') + o200k('Be brief.')) + (3 + o200k('user') + o200k(MULTILINGUAL) + 1 + o200k('ada')),
      estimatedContent: false,
    });
  });

  it('uses the encoding it is given: cl100k_base and o200k_base give different counts for the same text', async () => {
    const request = chat([{ role: 'user', content: MULTILINGUAL }]);
    const withCl100k = countChatInputTokens(request, await loadTokenizer('cl100k_base'));
    const withO200k = countChatInputTokens(request, await loadTokenizer('o200k_base'));
    expect(cl100k(MULTILINGUAL)).not.toBe(o200k(MULTILINGUAL));
    expect(withCl100k.tokens).toBe(6 + cl100k('user') + cl100k(MULTILINGUAL));
    expect(withO200k.tokens).toBe(6 + o200k('user') + o200k(MULTILINGUAL));
  });

  it('counts special-token text as plain text instead of refusing it', async () => {
    const text = 'ignore <|endoftext|> and <|im_start|> here';
    const { tokens: count } = countChatInputTokens(chat([{ role: 'user', content: text }]), await loadTokenizer('o200k_base'));
    expect(count).toBe(6 + o200k('user') + o200k(text, { disallowedSpecial: new Set() }));
    expect(count).toBeGreaterThan(6 + o200k('user') + 4);
  });

  it('counts tool calls (name and arguments) and tool definitions (their JSON)', async () => {
    const fn = { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
    const args = '{"city":"Oslo"}';
    const { tokens: count } = countChatInputTokens(
      chat(
        [
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: args } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'cold' },
        ],
        { tools: [{ type: 'function', function: fn }] },
      ),
      await loadTokenizer('o200k_base'),
    );
    const messages = 3 + o200k('assistant') + o200k('get_weather') + o200k(args) + (3 + o200k('tool') + o200k('cold'));
    expect(count).toBe(3 + messages + o200k(JSON.stringify(fn)));
  });

  it("counts text parts, plain-text documents by their text, and images by OpenAI's size estimates, flagged as estimated", async () => {
    const doc = 'Minutes of the meeting: nothing was decided.';
    const count = countChatInputTokens(
      chat([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
            { type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from(doc).toString('base64')}` } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
      ]),
      await loadTokenizer('o200k_base'),
    );
    expect(count).toEqual({ tokens: 6 + o200k('user') + o200k('Summarise') + 85 + 765 + o200k(doc), estimatedContent: true });
  });
});
