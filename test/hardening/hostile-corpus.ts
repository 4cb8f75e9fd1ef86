/**
 * A corpus of malformed and hostile requests across every route the gateway serves: broken
 * percent-encoding and dot segments in every path parameter, bodies of the wrong shape or nested
 * thousands deep for every JSON route, hostile model strings, forbidden and oversized forwarded
 * headers. Each case is something an attacker or a careless client sends; none may stop the
 * gateway, get a gateway-made 5xx, or reach a provider where it should not.
 */
import type { RawRequest } from './hostile-setup.js';
import { SMUGGLED } from './hostile-setup.js';

export interface HostileCase extends RawRequest {
  name: string;
}

export interface Route {
  method: string;
  path: string;
}

/** Values for a path parameter that no provider could have issued, or that try to walk out of the path. */
const HOSTILE_PATH_VALUES: readonly string[] = [
  '%zz',
  '%E0%A4%A',
  '%ff',
  '%2e%2e',
  '%2E',
  '..%2F..%2Fetc%2Fpasswd',
  'a%3Fkey%3Dattacker%23',
  '%00',
  'x%0d%0aHost%3A%20evil',
  'x'.repeat(2000),
];

/** A JSON value nested `depth` levels deep (arrays), built without recursion. */
export function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** An object nested `depth` levels deep as JSON text: `{"a":{"a":…}}`. */
export function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
}

const user = (content: string): string => `[{"role":"user","content":${content}}]`;

/** OpenAI-shaped bodies of the wrong shape; `model` is a configured one unless the case is about the model. */
function openAIBodies(): Array<[string, string]> {
  const m = '"model":"openai/gpt-4o-mini"';
  return [
    ['not JSON', '{"model": nope'],
    ['an array', '[]'],
    ['a string', '"text"'],
    ['null', 'null'],
    ['a number', '42'],
    ['an empty object', '{}'],
    ['model a number', `{"model":5,"messages":${user('"hi"')}}`],
    ['model empty', `{"model":"","messages":${user('"hi"')}}`],
    ['model without provider', `{"model":"gpt-4o-mini","messages":${user('"hi"')}}`],
    ['model with traversal', `{"model":"gemini/../../etc/passwd","messages":${user('"hi"')},"input":"x","prompt":"x"}`],
    ['model with query', `{"model":"gemini/x?key=attacker#","messages":${user('"hi"')},"input":"x","prompt":"x"}`],
    ['vertex model with traversal', `{"model":"vertex/../../x","messages":${user('"hi"')},"input":"x"}`],
    ['bedrock model with traversal', `{"model":"bedrock/../../x","messages":${user('"hi"')},"input":"x"}`],
    ['azure model with traversal', `{"model":"azure/../x?api-version=1","messages":${user('"hi"')},"input":"x"}`],
    ['model of dots', `{"model":"gemini/..","messages":${user('"hi"')},"input":"x"}`],
    ['model with a control character', `{"model":"anthropic/a\\u0000b","messages":${user('"hi"')}}`],
    ['model 5000 characters', `{"model":"openai/${'m'.repeat(5000)}","messages":${user('"hi"')}}`],
    ['messages a number', `{${m},"messages":5}`],
    ['messages of numbers', `{${m},"messages":[5]}`],
    ['content a number', `{${m},"messages":${user('5')}}`],
    ['content an object', `{${m},"messages":${user('{"x":1}')}}`],
    ['content parts of numbers', `{${m},"messages":${user('[5]')}}`],
    ['content part type a number', `{${m},"messages":${user('[{"type":5}]')}}`],
    ['image part without url', `{${m},"messages":${user('[{"type":"image_url","image_url":5}]')}}`],
    ['role unknown', `{${m},"messages":[{"role":"bogus","content":"x"}]}`],
    ['tool_calls a number', `{${m},"messages":[{"role":"assistant","tool_calls":5}]}`],
    ['tool_calls without function', `{${m},"messages":[{"role":"assistant","tool_calls":[{"id":"a"}]}]}`],
    ['tools a number', `{${m},"messages":${user('"hi"')},"tools":5}`],
    ['tools of numbers', `{${m},"messages":${user('"hi"')},"tools":[5]}`],
    ['tool without function', `{${m},"messages":${user('"hi"')},"tools":[{"type":"function"}]}`],
    ['tool without function name', `{${m},"messages":${user('"hi"')},"tools":[{"type":"function","function":{}}]}`],
    ['tool parameters 5000 deep', `{${m},"messages":${user('"hi"')},"tools":[{"type":"function","function":{"name":"f","parameters":${deepObject(5000)}}}]}`],
    ['content 5000 deep', `{${m},"messages":${user(deepArray(5000))}}`],
    ['metadata 100000 deep', `{${m},"messages":${user('"hi"')},"metadata":${deepArray(100000)}}`],
    [
      'response_format schema 5000 deep',
      `{${m},"messages":${user('"hi"')},"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${deepObject(5000)}}}}`,
    ],
    ['temperature not finite', `{${m},"messages":${user('"hi"')},"temperature":1e999}`],
    ['max_tokens not finite', `{${m},"messages":${user('"hi"')},"max_tokens":-1e999}`],
    ['n a string', `{${m},"messages":${user('"hi"')},"n":"x"}`],
    ['stream a string', `{${m},"messages":${user('"hi"')},"stream":"yes"}`],
    ['fallbacks unconfigured', `{${m},"messages":${user('"hi"')},"input":"x","prompt":"x","fallbacks":["nope/model"]}`],
    ['fallbacks a string', `{${m},"messages":${user('"hi"')},"fallbacks":"openai/gpt-4o"}`],
    ['fallbacks of numbers', `{${m},"messages":${user('"hi"')},"fallbacks":[5]}`],
    ['fallbacks bare', `{${m},"messages":${user('"hi"')},"input":"x","fallbacks":["gpt-4o"]}`],
    ['fallback with traversal', `{${m},"messages":${user('"hi"')},"input":"x","fallbacks":["gemini/../../etc/passwd"]}`],
    ['input a number', `{${m},"input":5}`],
    ['input of numbers', `{${m},"input":[5,{"x":1}]}`],
    ['input 5000 deep', `{${m},"input":${deepArray(5000)}}`],
    ['input items 5000 deep', `{${m},"input":[{"role":"user","content":${deepArray(5000)}}]}`],
    ['prompt an object', `{${m},"prompt":{"x":1}}`],
    ['voice a number', `{${m},"input":"say","voice":5}`],
    ['query and documents wrong', `{${m},"query":5,"documents":{"x":1}}`],
  ];
}

function anthropicBodies(): Array<[string, string]> {
  const m = '"model":"claude-sonnet-4-5","max_tokens":10';
  return [
    ['messages a number', `{${m},"messages":5}`],
    ['messages of numbers', `{${m},"messages":[5]}`],
    ['content a number', `{${m},"messages":${user('5')}}`],
    ['content blocks of numbers', `{${m},"messages":${user('[5]')}}`],
    ['image without source', `{${m},"messages":${user('[{"type":"image","source":5}]')}}`],
    ['tool_use without input', `{${m},"messages":[{"role":"assistant","content":[{"type":"tool_use","id":5}]}]}`],
    ['tool_result content a number', `{${m},"messages":${user('[{"type":"tool_result","tool_use_id":"a","content":5}]')}}`],
    ['system a number', `{${m},"system":5,"messages":${user('"hi"')}}`],
    ['system of numbers', `{${m},"system":[5],"messages":${user('"hi"')}}`],
    ['tools of numbers', `{${m},"messages":${user('"hi"')},"tools":[5]}`],
    ['tool name a number', `{${m},"messages":${user('"hi"')},"tools":[{"name":5}]}`],
    ['input_schema 5000 deep', `{${m},"messages":${user('"hi"')},"tools":[{"name":"f","input_schema":${deepObject(5000)}}]}`],
    ['tool_choice a number', `{${m},"messages":${user('"hi"')},"tool_choice":5}`],
    ['thinking a number', `{${m},"messages":${user('"hi"')},"thinking":5}`],
    ['model with traversal', `{"model":"gemini/../../etc/passwd","max_tokens":10,"messages":${user('"hi"')}}`],
    ['content 5000 deep', `{${m},"messages":${user(deepArray(5000))}}`],
    ['requests a number (batches)', `{"requests":5}`],
    ['requests of numbers (batches)', `{"requests":[5,{"custom_id":5,"params":5}]}`],
  ];
}

function genaiBodies(): Array<[string, string]> {
  return [
    ['contents a number', '{"contents":5}'],
    ['contents of numbers', '{"contents":[5]}'],
    ['parts a number', '{"contents":[{"role":"user","parts":5}]}'],
    ['parts of numbers', '{"contents":[{"role":"user","parts":[5]}]}'],
    ['inlineData a number', '{"contents":[{"role":"user","parts":[{"inlineData":5}]}]}'],
    ['responseSchema 5000 deep', `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseSchema":${deepObject(5000)}}}`],
    [
      'function parameters 5000 deep',
      `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":${deepObject(5000)}}]}]}`,
    ],
    ['systemInstruction a number', '{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"systemInstruction":5}'],
    ['generationConfig a number', '{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":5}'],
    ['tools of numbers', '{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[5]}'],
    ['content (embed) a number', '{"content":5}'],
    ['requests (batch embed) of numbers', '{"requests":[5]}'],
  ];
}

function bedrockBodies(): Array<[string, string]> {
  return [
    ['messages a number', '{"messages":5}'],
    ['messages of numbers', '{"messages":[5]}'],
    ['content a number', '{"messages":[{"role":"user","content":5}]}'],
    ['content blocks of numbers', '{"messages":[{"role":"user","content":[5]}]}'],
    ['image bytes a number', '{"messages":[{"role":"user","content":[{"image":{"format":"png","source":{"bytes":5}}}]}]}'],
    ['system a number', '{"messages":[{"role":"user","content":[{"text":"hi"}]}],"system":5}'],
    ['inferenceConfig a number', '{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":5}'],
    ['toolConfig tools of numbers', '{"messages":[{"role":"user","content":[{"text":"hi"}]}],"toolConfig":{"tools":[5]}}'],
    [
      'inputSchema 5000 deep',
      `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":${deepObject(5000)}}}}]}}`,
    ],
    ['content 5000 deep', `{"messages":[{"role":"user","content":${deepArray(5000)}}]}`],
  ];
}

function cohereBodies(): Array<[string, string]> {
  const m = '"model":"command-r"';
  return [
    ['messages a number', `{${m},"messages":5}`],
    ['messages of numbers', `{${m},"messages":[5]}`],
    ['content a number', `{${m},"messages":${user('5')}}`],
    ['content parts of numbers', `{${m},"messages":${user('[5]')}}`],
    ['tools of numbers', `{${m},"messages":${user('"hi"')},"tools":[5]}`],
    ['tool parameters 5000 deep', `{${m},"messages":${user('"hi"')},"tools":[{"type":"function","function":{"name":"f","parameters":${deepObject(5000)}}}]}`],
    ['texts a number (embed)', `{${m},"texts":5,"input_type":"search_query"}`],
    ['texts of objects (embed)', `{${m},"texts":[{"x":1}],"input_type":"search_query"}`],
    ['documents a number (rerank)', `{${m},"query":"q","documents":5}`],
    ['documents of numbers (rerank)', `{${m},"query":5,"documents":[5]}`],
  ];
}

function bodiesFor(path: string): Array<[string, string]> {
  if (path.startsWith('/anthropic')) return [...anthropicBodies(), ...openAIBodies().slice(0, 6)];
  if (path.startsWith('/genai')) return [...genaiBodies(), ...openAIBodies().slice(0, 6)];
  if (path.startsWith('/bedrock')) return [...bedrockBodies(), ...openAIBodies().slice(0, 6)];
  if (path.startsWith('/cohere')) return [...cohereBodies(), ...openAIBodies().slice(0, 6)];
  return openAIBodies();
}

/** Multipart routes take forms, not JSON: they get the JSON corpus anyway (a 415), plus their own broken forms. */
const MULTIPART = /\/(files|audio\/transcriptions|images\/edits|containers\/\{id\}\/files)$/;

/** A concrete path for a route: each `{param}` filled with a plausible value, GenAI and Bedrock with a real-looking model. */
function concretePath(route: Route, fill: (name: string, index: number) => string): string {
  let i = 0;
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => fill(name, i++));
}

function plausible(route: Route): string {
  if (route.path.startsWith('/genai/')) {
    return concretePath(route, (name, i) => (name === 'version' ? 'v1beta' : i === 1 ? 'gemini-2.5-flash:generateContent' : 'x'));
  }
  if (route.path.startsWith('/bedrock/')) return concretePath(route, () => 'anthropic.claude-3-haiku-20240307-v1%3A0');
  return concretePath(route, (name) => (name === 'deployment' ? 'gpt-4o' : `${name}-abc`));
}

const FORBIDDEN_FORWARDS = [
  'host',
  'content-length',
  'transfer-encoding',
  'te',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'cookie',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'x-amz-date',
  'x-amz-security-token',
  'x-bf-vk',
];

const CHAT = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}';

/** The whole corpus for a gateway serving `routes`. */
export function hostileCorpus(routes: readonly Route[]): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const route of routes) {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (let target = 0; target < names.length; target++) {
      for (const value of HOSTILE_PATH_VALUES) {
        const path = concretePath(route, (name, i) => (i === target ? value : plausible({ method: route.method, path: `{${name}}` })));
        cases.push({
          name: `${route.method} ${route.path} with ${names[target]}=${value.slice(0, 24)}`,
          method: route.method,
          path,
          ...(route.method === 'POST' ? { body: CHAT } : {}),
        });
      }
    }
    if (route.method !== 'POST') continue;
    for (const [label, body] of bodiesFor(route.path)) {
      cases.push({ name: `${route.method} ${route.path}: ${label}`, method: 'POST', path: plausible(route), body });
    }
    if (MULTIPART.test(route.path)) {
      cases.push({
        name: `${route.path}: multipart without a boundary`,
        method: 'POST',
        path: plausible(route),
        headers: { 'content-type': 'multipart/form-data' },
        body: 'x',
      });
      cases.push({
        name: `${route.path}: multipart cut short`,
        method: 'POST',
        path: plausible(route),
        headers: { 'content-type': 'multipart/form-data; boundary=zz' },
        body: '--zz\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
      });
    }
  }
  for (const name of FORBIDDEN_FORWARDS) {
    cases.push({ name: `x-bf-eh-${name}`, method: 'POST', path: '/v1/chat/completions', headers: { [`x-bf-eh-${name}`]: SMUGGLED }, body: CHAT });
  }
  const many: Record<string, string> = {};
  for (let i = 0; i < 300; i++) many[`x-bf-eh-x-many-${i}`] = 'v';
  cases.push({ name: '300 forwarded headers', method: 'POST', path: '/v1/chat/completions', headers: many, body: CHAT });
  cases.push({ name: 'a 15 KB forwarded header', method: 'POST', path: '/v1/chat/completions', headers: { 'x-bf-eh-x-big': 'v'.repeat(15_000) }, body: CHAT });
  cases.push({ name: 'x-bf-api-key naming no key', method: 'POST', path: '/v1/chat/completions', headers: { 'x-bf-api-key': 'nope' }, body: CHAT });
  cases.push({ name: 'x-model-provider with traversal', method: 'GET', path: '/v1/files/file-abc', headers: { 'x-model-provider': '../../x' } });
  cases.push({ name: '?provider= unknown', method: 'GET', path: '/v1/files?provider=..%2F..', headers: {} });
  cases.push({ name: 'query with a broken escape', method: 'GET', path: '/v1/files?limit=%zz&after=%ff', headers: {} });
  return cases;
}
